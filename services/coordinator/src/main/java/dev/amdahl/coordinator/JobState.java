package dev.amdahl.coordinator;

/** Where a job is in its life. */
public enum JobState {
  /** Accepted, not yet split. */
  QUEUED,
  /** Split; its tasks are being run. */
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
