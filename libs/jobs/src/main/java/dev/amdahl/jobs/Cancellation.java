package dev.amdahl.jobs;

/** Lets long-running task code notice that its task was cancelled and stop promptly. */
public interface Cancellation {

  /** A cancellation that never fires, for single-process runs. */
  Cancellation NONE = () -> false;

  boolean isCancelled();

  /** Throws {@link CancelledException} once cancelled; cheap enough to call in inner loops. */
  default void check() {
    if (isCancelled() || Thread.currentThread().isInterrupted()) {
      throw new CancelledException();
    }
  }
}
