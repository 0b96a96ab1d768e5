package dev.amdahl.worker;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Wakes one waiting thread when something may have changed. A signal raised while no one
 * waits is kept until the next wait, so it cannot fall between a check and the wait.
 */
final class Signal {
  private final Semaphore raised = new Semaphore(0);

  void raise() {
    if (raised.availablePermits() == 0) {
      raised.release();
    }
  }

  /** Waits until raised or {@code millis} have passed; clears the signal either way. Returns whether it was raised. */
  boolean await(long millis) throws InterruptedException {
    return awaitNanos(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  /** As {@link #await}, for at most {@code nanos}. */
  boolean awaitNanos(long nanos) throws InterruptedException {
    boolean wasRaised = raised.tryAcquire(nanos, TimeUnit.NANOSECONDS);
    raised.drainPermits();
    return wasRaised;
  }
}
