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
  /** Task attempts stopped before they finished, by reason (user, deadline, superseded_replica, lease_lost, timeout, draining, job_ended). */
  public static final String TASKS_CANCELLED = "amdahl.tasks.cancelled";
  /** Replicas of straggling tasks the leader asked for. Tag: kind. */
  public static final String TASKS_REPLICATED = "amdahl.tasks.replicated";
  /** Replicated tasks whose replica finished first. */
  public static final String REPLICAS_WON = "amdahl.replicas.won";
  /** Time spent on task attempts whose result did not count (duplicates, superseded replicas). */
  public static final String WORK_WASTED = "amdahl.work.wasted";
  /** Executor threads the steward replaced because their task was stuck. */
  public static final String EXECUTORS_REPLACED = "amdahl.executors.replaced";
  /** Executor threads stuck right now, ignoring cancellation. */
  public static final String EXECUTORS_STUCK = "amdahl.executors.stuck";
  /** How long each phase of a job took (split, dispatch, queue, execution, merge, wall). Tags: kind, phase. */
  public static final String JOB_PHASE = "amdahl.job.phase";
  /** Each finished job's serial fraction: (split + dispatch + merge) / (that + task execution). Tag: kind. */
  public static final String JOB_SERIAL_FRACTION = "amdahl.job.serial.fraction";
  /** Job submissions refused by the rate limiter. */
  public static final String SUBMISSIONS_LIMITED = "amdahl.submissions.limited";
  /** Cluster members by role and version. Tags: role, member_version. */
  public static final String MEMBERS = "amdahl.members";
  /** 1 when this node is in the state named by the tag. Tag: state. */
  public static final String NODE_STATE = "amdahl.node.state";
}
