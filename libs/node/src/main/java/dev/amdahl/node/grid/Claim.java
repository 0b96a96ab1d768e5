package dev.amdahl.node.grid;

/**
 * A worker takes a queued task under a lease. Returns the task (without any result) when
 * the worker now holds it, or null when it is done, gone, or held by a live lease.
 */
public final class Claim extends LeaseClaim {

  public Claim() {
  }

  public Claim(String owner, long leaseMillis) {
    super(owner, leaseMillis);
  }

  @Override
  TaskEntry apply(TaskEntry task, long now) {
    boolean free = TaskEntry.QUEUED.equals(task.getState())
        || (TaskEntry.LEASED.equals(task.getState()) && task.getLeaseExpiry() <= now);
    if (!free) {
      return null;
    }
    task.lease(worker, now, leaseMillis);
    return task.withoutResult();
  }

  @Override
  public int getClassId() {
    return GridSerialization.CLAIM;
  }
}
