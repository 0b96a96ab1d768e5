package dev.amdahl.node;

import java.util.List;
import java.util.Map;

/**
 * The names of Amdahl's own metrics, in one place (Micrometer style: dotted, base units),
 * with the description each one carries as its Prometheus HELP text.
 */
public final class MetricNames {
  private MetricNames() {
  }

  /** Tasks a worker claimed from the queues. Tag: kind. */
  public static final String TASKS_CLAIMED = "amdahl.tasks.claimed";
  /**
   * Tasks a worker finished, by outcome: accepted, duplicate (another result won first), gone,
   * failed, cancelled. Failed tasks and discarded duplicates are these outcomes. Tags: kind, outcome.
   */
  public static final String TASKS_COMPLETED = "amdahl.tasks.completed";
  /** Failed attempts that will be retried. Tag: kind. */
  public static final String TASKS_RETRIED = "amdahl.tasks.retried";
  /** Tasks put back in a queue, by reason (lease_expired, owner_left, handed_back, orphaned). */
  public static final String TASKS_REQUEUED = "amdahl.tasks.requeued";
  /** Replicas of a straggling task started, so that the first result wins. Tag: kind. */
  public static final String TASKS_REPLICATED = "amdahl.tasks.replicated";
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
  /** Jobs not yet finished whose deadline has passed. */
  public static final String JOBS_OVERDUE = "amdahl.jobs.overdue";
  /** Share of a running job's tasks that are done, 0 to 1. Tags: job, kind. */
  public static final String JOB_PROGRESS = "amdahl.job.progress";
  /** Time a job that succeeded spent in each phase of its timeline. Tags: kind, phase. */
  public static final String JOB_PHASE = "amdahl.job.phase";
  /** Task execution time a job that succeeded needed in all, summed over its tasks. Tag: kind. */
  public static final String JOB_WORK = "amdahl.job.work";
  /** Leases that expired, so their tasks ran elsewhere. */
  public static final String LEASE_EXPIRATIONS = "amdahl.lease.expirations";
  /** Task attempts stopped before they finished, by reason (user, deadline, superseded_replica, lease_lost, timeout, draining, job_ended). */
  public static final String TASKS_CANCELLED = "amdahl.tasks.cancelled";
  /** Replicated tasks whose replica finished first. */
  public static final String REPLICAS_WON = "amdahl.replicas.won";
  /** Time spent on task attempts whose result did not count (duplicates, superseded replicas). */
  public static final String WORK_WASTED = "amdahl.work.wasted";
  /** Executor threads the steward replaced because their task was stuck. */
  public static final String EXECUTORS_REPLACED = "amdahl.executors.replaced";
  /** Executor threads stuck right now, ignoring cancellation. */
  public static final String EXECUTORS_STUCK = "amdahl.executors.stuck";
  /** Each finished job's serial fraction: (split + dispatch + merge) / (that + task execution). Tag: kind. */
  public static final String JOB_SERIAL_FRACTION = "amdahl.job.serial.fraction";
  /** Job submissions refused by the rate limiter. */
  public static final String SUBMISSIONS_LIMITED = "amdahl.submissions.limited";
  /** Cluster members by role and version. Tags: role, member_version. */
  public static final String MEMBERS = "amdahl.members";
  /** Members that joined or left the cluster, as this node saw it. Tags: role, change (joined, left). */
  public static final String MEMBERSHIP_CHANGES = "amdahl.membership.changes";
  /** 1 when this node is in the state named by the tag. Tag: state. */
  public static final String NODE_STATE = "amdahl.node.state";
  /** Threads a worker runs tasks on. */
  public static final String WORKER_THREADS = "amdahl.worker.threads";
  /** 1 when the partitions this grid member owns have their backups in sync; the grid is safe when all are. */
  public static final String GRID_SAFE = "amdahl.grid.safe";
  /** Items of each pending queue held on this grid member. Tags: queue, ownership (owned, backup). */
  public static final String GRID_QUEUE_ITEMS = "amdahl.grid.queue.items";
  /** Partition replica migrations in the cluster, as this grid member saw them. Tag: outcome (completed, failed). */
  public static final String GRID_MIGRATIONS = "amdahl.grid.migrations";

  /**
   * Job phases of {@link #JOB_PHASE}: queue (from dispatch to the first task claimed), split,
   * dispatch, execute (from dispatch to the last result), merge.
   */
  public static final List<String> JOB_PHASES = List.of("queue", "split", "dispatch", "execute", "merge");

  private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
      Map.entry(TASKS_CLAIMED, "Tasks this worker claimed from the queues"),
      Map.entry(TASKS_COMPLETED, "Tasks this worker finished, by outcome (accepted, duplicate, gone, failed, cancelled)"),
      Map.entry(TASKS_RETRIED, "Failed task attempts that will be retried"),
      Map.entry(TASKS_REQUEUED, "Tasks put back in a queue, by reason"),
      Map.entry(TASKS_REPLICATED, "Replicas of straggling tasks started; the first result wins"),
      Map.entry(TASK_DURATION, "Time one task took to execute"),
      Map.entry(TASKS_IN_FLIGHT, "Tasks this worker holds right now, running or about to"),
      Map.entry(TASKS_BACKLOG, "Task keys waiting in the pending queues"),
      Map.entry(JOBS, "Jobs by state, as the leading coordinator sees them"),
      Map.entry(JOBS_FINISHED, "Jobs that reached a final state"),
      Map.entry(JOBS_OVERDUE, "Jobs not yet finished whose deadline has passed"),
      Map.entry(JOB_PROGRESS, "Share of a running job's tasks that are done"),
      Map.entry(JOB_PHASE, "Time jobs that succeeded spent in each phase of their timeline"),
      Map.entry(JOB_WORK, "Task execution time jobs that succeeded needed, summed over their tasks"),
      Map.entry(LEASE_EXPIRATIONS, "Task leases that expired, so the task ran elsewhere"),
      Map.entry(MEMBERS, "Cluster members by role and version"),
      Map.entry(MEMBERSHIP_CHANGES, "Members that joined or left the cluster"),
      Map.entry(NODE_STATE, "1 when this node is in the state named by the tag"),
      Map.entry(WORKER_THREADS, "Threads this worker runs tasks on"),
      Map.entry(GRID_SAFE, "1 when the partitions this grid member owns have their backups in sync"),
      Map.entry(GRID_QUEUE_ITEMS, "Items of each pending queue held on this grid member"),
      Map.entry(GRID_MIGRATIONS, "Partition replica migrations in the cluster, as this grid member saw them"),
      Map.entry(TASKS_CANCELLED, "Task attempts stopped before they finished, by reason"),
      Map.entry(REPLICAS_WON, "Replicated tasks whose replica finished first"),
      Map.entry(WORK_WASTED, "Time spent on task attempts whose result did not count"),
      Map.entry(EXECUTORS_REPLACED, "Executor threads the steward replaced because their task was stuck"),
      Map.entry(EXECUTORS_STUCK, "Executor threads stuck right now in a task that ignores cancellation"),
      Map.entry(JOB_SERIAL_FRACTION, "Each finished job's serial fraction: (split + dispatch + merge) / (that + task time)"),
      Map.entry(SUBMISSIONS_LIMITED, "Job submissions refused by the rate limiter"));

  /** The description of one of our metrics, or null for a name that is not ours. */
  public static String describe(String name) {
    return DESCRIPTIONS.get(name);
  }
}
