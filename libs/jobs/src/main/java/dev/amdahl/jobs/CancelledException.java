package dev.amdahl.jobs;

/** Thrown by task code that noticed its cancellation. */
public final class CancelledException extends RuntimeException {
  public CancelledException() {
    super("task cancelled", null, false, false);
  }
}
