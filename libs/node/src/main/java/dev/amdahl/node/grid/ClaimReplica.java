package dev.amdahl.node.grid;

/**
 * An idle worker takes a replica of a straggling task: the task stays leased to its owner,
 * and this worker runs it too. Whichever result comes first wins. Returns the task when the
 * worker now runs the replica, or null when the task is no longer running, already has a live
 * replica, or is the worker's own.
 */
public final class ClaimReplica extends LeaseClaim {

  public ClaimReplica() {
  }

  public ClaimReplica(String replica, long leaseMillis) {
    super(replica, leaseMillis);
  }

  @Override
  TaskEntry apply(TaskEntry task, long now) {
    boolean replicable = TaskEntry.LEASED.equals(task.getState())
        && !worker.equals(task.getOwner())
        && (task.getReplicaOwner() == null || task.getReplicaLeaseExpiry() <= now);
    if (!replicable) {
      return null;
    }
    task.leaseReplica(worker, now, leaseMillis);
    return task.withoutResult();
  }

  @Override
  public int getClassId() {
    return GridSerialization.CLAIM_REPLICA;
  }
}
