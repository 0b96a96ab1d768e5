package dev.amdahl.node.grid;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;

import java.io.IOException;

/**
 * A worker takes a queued task under a lease. Returns the task (without any result) when
 * the worker now holds it, or null when it is done, gone, or held by a live lease.
 */
public final class Claim extends TaskProcessor<TaskEntry> {
  private String owner;
  private long leaseMillis;

  public Claim() {
  }

  public Claim(String owner, long leaseMillis) {
    this.owner = owner;
    this.leaseMillis = leaseMillis;
  }

  @Override
  TaskEntry apply(TaskEntry task, long now) {
    boolean free = TaskEntry.QUEUED.equals(task.getState())
        || (TaskEntry.LEASED.equals(task.getState()) && task.getLeaseExpiry() <= now);
    if (!free) {
      return null;
    }
    task.lease(owner, now, leaseMillis);
    return task.withoutResult();
  }

  @Override
  boolean changed(TaskEntry outcome) {
    return outcome != null;
  }

  @Override
  TaskEntry absent() {
    return null;
  }

  @Override
  public int getClassId() {
    return GridSerialization.CLAIM;
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
