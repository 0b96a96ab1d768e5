package dev.amdahl.worker;

import dev.amdahl.jobs.Cancellation;
import dev.amdahl.node.grid.TaskEntry;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A task this worker holds: claimed, then running or waiting for a thread, then its result
 * waiting to be written. Its lease is renewed until it is released.
 */
final class HeldTask implements Cancellation {
  final TaskEntry task;
  final boolean replica;
  final AtomicBoolean released = new AtomicBoolean();
  /**
   * About when the lease was last set: as the claim came back (a few milliseconds after the
   * grid set it), then before each renewal's call.
   */
  volatile long leasedNanos = System.nanoTime();
  private Thread thread;
  volatile long startedNanos;
  volatile String stopReason;
  volatile long stoppedNanos;
  volatile boolean abandoned;
  /** Set once the task has stopped running, whatever the outcome; its result may still be unwritten. */
  volatile boolean executed;

  HeldTask(TaskEntry task, boolean replica) {
    this.task = task;
    this.replica = replica;
  }

  @Override
  public boolean isCancelled() {
    return stopReason != null;
  }

  /**
   * Asks the attempt to stop: the task code notices at its next check, and a running thread
   * is interrupted. A task not started yet still runs, sees that it was stopped, and ends.
   */
  synchronized void stop(String reason) {
    if (stopReason == null) {
      stopReason = reason;
      stoppedNanos = System.nanoTime();
    }
    if (thread != null) {
      thread.interrupt();
    }
  }

  synchronized void running(Thread current) {
    thread = current;
    startedNanos = System.nanoTime();
  }

  // Under the lock, so that stop() never interrupts the pool thread's next task.
  synchronized void ended() {
    thread = null;
  }

  synchronized boolean isRunning() {
    return thread != null;
  }

  long elapsedNanos() {
    return startedNanos == 0 ? 0 : System.nanoTime() - startedNanos;
  }
}
