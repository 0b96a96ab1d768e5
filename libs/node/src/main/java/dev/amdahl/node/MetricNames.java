package dev.amdahl.node;

/** The names of Amdahl's own metrics, in one place (Micrometer style: dotted, base units). */
public final class MetricNames {
  private MetricNames() {
  }

  /** Tasks a worker claimed from the queues. Tag: kind. */
  public static final String TASKS_CLAIMED = "amdahl.tasks.claimed";
  /** Tasks a worker finished, by outcome (accepted, duplicate, gone, failed, cancelled). Tags: kind, outcome. */
  public static final String TASKS_COMPLETED = "amdahl.tasks.completed";
  /** Failed attempts that will be retried. Tag: kind. */
  public static final String TASKS_RETRIED = "amdahl.tasks.retried";
  /** Tasks put back in a queue, by reason (lease_expired, owner_left, handed_back, orphaned). */
  public static final String TASKS_REQUEUED = "amdahl.tasks.requeued";
  /** How long one task took to execute. Tag: kind. */
  public static final String TASK_DURATION = "amdahl.task.duration";
  /** Tasks a worker holds right now. */
  public static final String TASKS_IN_FLIGHT = "amdahl.tasks.in.flight";
  /** Task keys waiting in the pending queues. */
  public static final String TASKS_BACKLOG = "amdahl.tasks.backlog";
  /** Jobs by state. Tag: state. */
  public static final String JOBS = "amdahl.jobs";
  /** Jobs that reached a final state. Tags: kind, state. */
  public static final String JOBS_FINISHED = "amdahl.jobs.finished";
  /** Leases that expired, so their tasks ran elsewhere. */
  public static final String LEASE_EXPIRATIONS = "amdahl.lease.expirations";
  /** Cluster members by role and version. Tags: role, member_version. */
  public static final String MEMBERS = "amdahl.members";
  /** 1 when this node is in the state named by the tag. Tag: state. */
  public static final String NODE_STATE = "amdahl.node.state";
}
