package dev.amdahl.node.grid;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;

import java.io.IOException;

/**
 * A worker's pulse extends its lease on a task it still runs, as owner or replica. Returns
 * false when the task is no longer the worker's (its lease expired and the task moved on, or
 * it is done).
 */
public final class Renew extends TaskProcessor<Boolean> {
  private String owner;
  private long leaseMillis;

  public Renew() {
  }

  public Renew(String owner, long leaseMillis) {
    this.owner = owner;
    this.leaseMillis = leaseMillis;
  }

  @Override
  Boolean apply(TaskEntry task, long now) {
    if (!task.isRunBy(owner)) {
      return false;
    }
    task.renew(owner, now, leaseMillis);
    return true;
  }

  @Override
  boolean changed(Boolean outcome) {
    return outcome;
  }

  @Override
  Boolean absent() {
    return false;
  }

  @Override
  public int getClassId() {
    return GridSerialization.RENEW;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(owner);
    out.writeLong(leaseMillis);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    owner = in.readString();
    leaseMillis = in.readLong();
  }
}
