package dev.amdahl.node.grid;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;

import java.io.IOException;

/**
 * Records a failed attempt. The task goes back to QUEUED while attempts remain (the
 * caller re-offers it after a backoff) and becomes FAILED on the last one. Returns the new
 * state, or null when the attempt no longer mattered (done, gone, or another worker's).
 */
public final class Fail extends TaskProcessor<String> {
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
    if (!TaskEntry.LEASED.equals(task.getState()) || !owner.equals(task.getOwner())) {
      return null;
    }
    if (task.getAttempt() >= task.getMaxAttempts()) {
      task.fail(error, now);
    } else {
      task.recordError(error);
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
