package dev.amdahl.node;

/**
 * The names of every Hazelcast structure and event-bus address Amdahl uses, in one place.
 */
public final class Names {
  private Names() {
  }

  /** Job records (JSON), keyed by job id; written by the leading coordinator. */
  public static final String JOBS = "amdahl.jobs";
  /** Finished jobs' files (the Mandelbrot PNG), keyed by job id. */
  public static final String ATTACHMENTS = "amdahl.attachments";
  /** One {@link dev.amdahl.node.grid.TaskEntry} per task, keyed by {@code jobId/index}. */
  public static final String TASKS = "amdahl.tasks";
  /** Every live node's self-description (JSON), keyed by node id, refreshed on each pulse. */
  public static final String NODES = "amdahl.nodes";
  /** Coordination state, such as the coordinator leader lock. */
  public static final String COORDINATION = "amdahl.coordination";
  /** The key in {@link #COORDINATION} whose lock the leading coordinator holds. */
  public static final String LEADER_KEY = "leader";

  /** The Hazelcast executor the benchmark sends no-op tasks through, to compare with Amdahl's dispatch. */
  public static final String BENCH_EXECUTOR = "amdahl.bench.executor";

  /** Pending task keys are spread over this many queues, so no one member holds them all. */
  public static final int QUEUE_SHARDS = 16;

  /** The queue of pending task keys number {@code shard}. */
  public static String pendingQueue(int shard) {
    return "amdahl.pending." + shard;
  }

  /**
   * Published by the leader when it has queued tasks: idle workers look at the queues at once
   * instead of at their next poll. Only a hint; workers poll anyway.
   */
  public static final String TASKS_QUEUED = "amdahl.tasks.queued";
  /** Published by a worker when the grid accepted its task result. */
  public static final String TASK_DONE = "amdahl.task.done";
  /**
   * Published by a worker when the grid accepted a batch of its results: a
   * {@code TaskEvents.Batch} of its node, version and tasks, each as in {@link #TASK_DONE}.
   */
  public static final String TASKS_DONE = "amdahl.tasks.done";
  /** Published by the leader when a replicated task is done: the other runner stops. */
  public static final String TASK_SUPERSEDED = "amdahl.task.superseded";
  /** Published by a worker when a task failed. */
  public static final String TASK_FAILED = "amdahl.task.failed";
  /**
   * Published by the coordinator when a job is cancelled or finished: workers drop its tasks.
   * Its body names the job ({@code jobId}), why ({@code reason}) and, when replicas won,
   * the tasks whose other runners were told to stop ({@code superseded}): words to two
   * addresses may arrive in either order, so this word repeats those of {@link #TASK_SUPERSEDED}.
   */
  public static final String JOB_STOPPED = "amdahl.job.stopped";
  /**
   * Published by the coordinator that accepted a job, so the leader starts it at once: the
   * job's id ({@code jobId}) and its record as written to the grid ({@code record}, JSON text).
   */
  public static final String JOB_SUBMITTED = "amdahl.job.submitted";
  /** Published by the coordinator when a job changes state. */
  public static final String JOB_UPDATED = "amdahl.job.updated";
  /** Published when a task goes back to a queue: {task (its key), reason, owner}. */
  public static final String TASK_REQUEUED = "amdahl.task.requeued";
  /** Published by a worker when an attempt failed and the task will run again: {jobId, index, node, attempt, cause}. */
  public static final String TASK_RETRIED = "amdahl.task.retried";
}
