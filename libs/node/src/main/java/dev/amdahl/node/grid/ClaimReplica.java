package dev.amdahl.node.grid;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;

import java.io.IOException;

/**
 * An idle worker takes a replica of a straggling task: the task stays leased to its owner,
 * and this worker runs it too. Whichever result comes first wins. Returns the task when the
 * worker now runs the replica, or null when the task is no longer running, already has a live
 * replica, or is the worker's own.
 */
public final class ClaimReplica extends TaskProcessor<TaskEntry> {
  private String replica;
  private long leaseMillis;

  public ClaimReplica() {
  }

  public ClaimReplica(String replica, long leaseMillis) {
    this.replica = replica;
    this.leaseMillis = leaseMillis;
  }

  @Override
  TaskEntry apply(TaskEntry task, long now) {
    boolean replicable = TaskEntry.LEASED.equals(task.getState())
        && !replica.equals(task.getOwner())
        && (task.getReplicaOwner() == null || task.getReplicaLeaseExpiry() <= now);
    if (!replicable) {
      return null;
    }
    task.leaseReplica(replica, now, leaseMillis);
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
    return GridSerialization.CLAIM_REPLICA;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(replica);
    out.writeLong(leaseMillis);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    replica = in.readString();
    leaseMillis = in.readLong();
  }
}
