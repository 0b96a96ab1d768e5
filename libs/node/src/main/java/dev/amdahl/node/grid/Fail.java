package dev.amdahl.node.grid;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;

import java.io.IOException;

/**
 * Records a failed attempt in the task's error history. The task goes back to QUEUED while
 * attempts remain (the caller re-offers it after a backoff) and becomes FAILED on the last
 * one; a failed replica just stops being one. Returns the new state, {@link #REPLICA_FAILED},
 * or null when the attempt no longer mattered (done, gone, or another worker's).
 */
public final class Fail extends TaskProcessor<String> {
  /** What {@link Fail} returns when a replica failed: the owner's attempt goes on. */
  public static final String REPLICA_FAILED = "REPLICA_FAILED";

  private String owner;
  private String error;

  public Fail() {
  }

  public Fail(String owner, String error) {
    this.owner = owner;
    this.error = error;
  }

  @Override
  String apply(TaskEntry task, long now) {
    if (!task.isRunBy(owner)) {
      return null;
    }
    task.recordError(error);
    if (!owner.equals(task.getOwner())) {
      task.clearReplica();
      return REPLICA_FAILED;
    }
    if (task.getAttempt() >= task.getMaxAttempts()) {
      task.fail(now);
    } else {
      task.requeue(now);
    }
    return task.getState();
  }

  @Override
  boolean changed(String outcome) {
    return outcome != null;
  }

  @Override
  String absent() {
    return null;
  }

  @Override
  public int getClassId() {
    return GridSerialization.FAIL;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(owner);
    out.writeString(error);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    owner = in.readString();
    error = in.readString();
  }
}
