package dev.amdahl.node.grid;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;

import java.io.IOException;

/**
 * Takes a leased task back so that it runs elsewhere: because its lease expired, because
 * its owner left the cluster, or because its owner hands it back while draining. Returns
 * true when the task is queued again, and the caller must then offer its key to a queue.
 */
public final class Requeue extends TaskProcessor<Boolean> {

  /** Why a task goes back to the queue. */
  public enum Reason {
    /** Its owner stopped pulsing. */
    LEASE_EXPIRED,
    /** Its owner left the cluster. */
    OWNER_LEFT,
    /** Its owner is draining and gives it back. */
    HANDED_BACK,
    /** It was queued but its key was in no queue (the worker died between poll and claim). */
    ORPHANED
  }

  private String owner;
  private Reason reason;

  public Requeue() {
  }

  /**
   * @param owner  the owner it must still have, or null for any
   * @param reason why; LEASE_EXPIRED requeues only an expired lease, ORPHANED only a queued task
   */
  public Requeue(String owner, Reason reason) {
    this.owner = owner;
    this.reason = reason;
  }

  @Override
  Boolean apply(TaskEntry task, long now) {
    if (reason == Reason.ORPHANED) {
      if (!TaskEntry.QUEUED.equals(task.getState())) {
        return false;
      }
      task.requeue(now);
      return true;
    }
    if (!TaskEntry.LEASED.equals(task.getState())) {
      return false;
    }
    if (owner != null && !owner.equals(task.getOwner())) {
      return false;
    }
    if (reason == Reason.LEASE_EXPIRED && task.getLeaseExpiry() > now) {
      return false;
    }
    task.requeue(now);
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
    return GridSerialization.REQUEUE;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(owner);
    out.writeString(reason.name());
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    owner = in.readString();
    reason = Reason.valueOf(in.readString());
  }
}
