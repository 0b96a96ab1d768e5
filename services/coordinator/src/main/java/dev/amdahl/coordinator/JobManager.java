package dev.amdahl.coordinator;

import com.hazelcast.aggregation.Aggregators;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.collection.IQueue;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.IMap;
import com.hazelcast.projection.Projection;
import com.hazelcast.projection.Projections;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;
import dev.amdahl.jobs.JobKind;
import dev.amdahl.jobs.JobKinds;
import dev.amdahl.jobs.JobResult;
import dev.amdahl.node.HazelcastSetup;
import dev.amdahl.node.Logs;
import dev.amdahl.node.MetricNames;
import dev.amdahl.node.Names;
import dev.amdahl.node.NodeRuntime;
import dev.amdahl.node.TaskEvents;
import dev.amdahl.node.grid.Grid;
import dev.amdahl.node.grid.Requeue;
import dev.amdahl.node.grid.TaskEntry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The job lifecycle, run by the leading coordinator: split queued jobs into tasks, follow
 * their progress, take back tasks whose worker died or froze, and merge the results.
 *
 * <p>Everything here runs on one thread, the leader thread, so no state needs locking.
 * All state that matters lives in the grid; what this class keeps in memory (which tasks
 * are done) is rebuilt from the grid when a coordinator takes over.
 */
final class JobManager {
  private static final Logger LOG = Logs.logger(JobManager.class);
  private static final int CHUNK = 1000;
  private static final long ORPHAN_AGE_MILLIS = 5_000;
  private static final long RECONCILE_MILLIS = 2_000;
  private static final long PERSIST_PROGRESS_MILLIS = 1_000;

  private final NodeRuntime node;
  private final Grid grid;
  private final JobStore store;
  private final CoordinatorConfig config;
  private final MeterRegistry metrics;
  private final ScheduledExecutorService leader;
  private final Map<String, JobRun> runs = new LinkedHashMap<>();
  private Set<String> orphanSuspects = Set.of();
  private volatile boolean leading;
  private volatile boolean stopping;
  private final AtomicLong backlog = new AtomicLong();
  private final Map<JobState, AtomicLong> jobCounts = new EnumMap<>(JobState.class);

  JobManager(NodeRuntime node, JobStore store, CoordinatorConfig config) {
    this.node = node;
    this.grid = node.grid();
    this.store = store;
    this.config = config;
    this.metrics = node.metrics();
    this.leader = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "amdahl-leader");
      thread.setDaemon(true);
      return thread;
    });
    Gauge.builder(MetricNames.TASKS_BACKLOG, backlog, AtomicLong::get)
        .description("Task keys waiting in the pending queues").register(metrics);
    for (JobState state : JobState.values()) {
      AtomicLong count = new AtomicLong();
      jobCounts.put(state, count);
      Gauge.builder(MetricNames.JOBS, count, AtomicLong::get).tag("state", state.name())
          .description("Jobs by state, as the leader sees them").register(metrics);
    }
  }

  void start() {
    var bus = node.vertx().eventBus();
    bus.<JsonObject>consumer(Names.TASK_DONE, m -> onLeader(() -> taskDone(m.body())));
    bus.consumer(Names.TASKS_DONE, m -> onLeader(() -> TaskEvents.forEachDone(m.body(), this::taskDone)));
    bus.<JsonObject>consumer(Names.TASK_FAILED, m -> onLeader(() -> reconcile(runs.get(m.body().getString("jobId")))));
    bus.<JsonObject>consumer(Names.JOB_SUBMITTED, m -> onLeader(() -> startSubmitted(m.body())));
    bus.<JsonObject>consumer(Names.JOB_STOPPED, m -> onLeader(() -> reconcile(runs.get(m.body().getString("jobId")))));
    node.measureWhenScraped(2000, this::measure);
    leader.execute(this::seekLeadership);
  }

  boolean isLeader() {
    return leading;
  }

  JsonObject describe() {
    return new JsonObject().put("leader", leading).put("runningJobs", runs.size());
  }

  /** Runs {@code action} on the leader thread, if this coordinator leads. */
  private void onLeader(Runnable action) {
    if (leading && !stopping) {
      leader.execute(guarded(action));
    }
  }

  private static Runnable guarded(Runnable action) {
    return () -> {
      try {
        action.run();
      } catch (RuntimeException | Error e) {
        // A periodic task that throws is never run again: log and carry on.
        LOG.log(Level.WARNING, "leader step failed; it runs again on the next tick", e);
      }
    };
  }

  private void seekLeadership() {
    if (stopping) {
      return;
    }
    try {
      if (grid.coordination().tryLock(Names.LEADER_KEY, 1, TimeUnit.SECONDS)) {
        lead();
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not reach the leader lock: " + e);
    }
    leader.schedule(this::seekLeadership, 500, TimeUnit.MILLISECONDS);
  }

  private void lead() {
    leading = true;
    grid.coordination().set("leaderId", config.node().id());
    LOG.info(() -> config.node().id() + " leads: resuming jobs from the grid");
    for (JsonObject job : store.inState(JobState.RUNNING)) {
      guarded(() -> resume(job)).run();
    }
    startQueued();
    grid.hazelcast().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        String nodeId = event.getMember().getAttribute(HazelcastSetup.ATTR_NODE);
        if (nodeId != null) {
          onLeader(() -> requeueTasksOf(nodeId));
        }
      }
    });
    // Periodic work is paid for by the grid members, whose CPU is also the tasks' on a small
    // machine: the tick only touches what the leader holds; the grid is asked less often.
    leader.scheduleWithFixedDelay(guarded(this::tick), 250, 250, TimeUnit.MILLISECONDS);
    // A job starts at once on its "submitted" word; this finds one whose word was missed.
    leader.scheduleWithFixedDelay(guarded(this::startQueued), 2000, 2000, TimeUnit.MILLISECONDS);
    // The safety nets look for tasks, and there are tasks only while jobs run: an idle
    // cluster pays for none of them.
    whileJobsRun(this::reconcileAll, RECONCILE_MILLIS);
    whileJobsRun(this::watchLeases, 1000);
    whileJobsRun(this::sweepOrphans, ORPHAN_AGE_MILLIS);
  }

  private void whileJobsRun(Runnable step, long millis) {
    leader.scheduleWithFixedDelay(guarded(() -> {
      if (!runs.isEmpty()) {
        step.run();
      }
    }), millis, millis, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    long now = System.currentTimeMillis();
    for (JobRun run : new ArrayList<>(runs.values())) {
      if (run.pastDeadline(now)) {
        end(run, JobState.CANCELLED, "deadline", job -> job.put("cancelReason", "deadline"));
      } else if (run.complete()) {
        finish(run);
      } else {
        persistProgress(run, now);
      }
    }
  }

  // ---- starting jobs

  /**
   * Starts a job on its "submitted" word, from the record the word carries (or, from a node
   * that did not send it, read by the job's id): not found by a query over every job.
   */
  private void startSubmitted(JsonObject word) {
    String id = word.getString("jobId");
    String record = word.getString("record");
    if (id == null) {
      startQueued();
    } else if (record != null) {
      start(new JsonObject(record), new HazelcastJsonValue(record));
    } else {
      store.get(id).ifPresent(job -> start(job, null));
    }
  }

  private void startQueued() {
    for (JsonObject job : store.inState(JobState.QUEUED)) {
      start(job, null);
    }
  }

  /** Starts job {@code queued}, whose stored record is {@code known} if known (see {@link JobStore#update}). */
  private void start(JsonObject queued, HazelcastJsonValue known) {
    if (!JobState.QUEUED.name().equals(queued.getString("state"))) {
      return;
    }
    String id = queued.getString("id");
    long splitStart = System.nanoTime();
    JobKind<?> kind = JobKinds.get(queued.getString("kind"));
    List<JsonObject> inputs = kind.split(queued.getJsonObject("params"), queued.getInteger("tasks"));
    long splitMillis = (System.nanoTime() - splitStart) / 1_000_000;
    Integer asked = queued.getInteger(TaskGroups.FIELD);
    int perEntry = asked != null ? asked : TaskGroups.perEntry(kind, queued.getJsonObject("params"), inputs.size());
    // Only the change from QUEUED is ours to dispatch: a job started already, or cancelled, is left alone.
    boolean[] started = new boolean[1];
    var running = store.update(id, known, job -> {
      started[0] = JobState.valueOf(job.getString("state")) == JobState.QUEUED;
      return !started[0] ? null : job.put("state", JobState.RUNNING.name()).put("startedAt", Instant.now().toString())
          .put(TaskGroups.FIELD, perEntry)
          .put("progress", new JsonObject().put("total", inputs.size()).put("done", 0))
          .put("timeline", job.getJsonObject("timeline", new JsonObject()).put("splitMillis", splitMillis));
    });
    if (running.isPresent() && started[0]) {
      dispatch(running.get().job(), running.get().value(), inputs, true);
    }
  }

  /**
   * Writes the tasks to the grid, grouped into entries ({@link TaskGroups}), and the entries'
   * keys to the queues; on a resume, only the missing ones. {@code known} is the job's stored
   * record if known (see {@link JobStore#update}).
   *
   * <p>A fresh job's first queue goes first: its entries are written, its keys queued and the
   * workers told, and only then are the other entries written: idle workers no longer wait for
   * all of a job's entries before its first task runs. On a warm local cluster, from the
   * submission to the first task's start of a job of 200 entries, 14 ms instead of 17.5
   * (medians of ten); a job's 200 entries took 2 to 14 ms to write, warm to cold. The entries
   * are made and written {@link #CHUNK} at a time, in two passes over the tasks, so that a job
   * of 100,000 entries is not held in memory whole.
   */
  private void dispatch(JsonObject job, HazelcastJsonValue known, List<JsonObject> inputs, boolean fresh) {
    String id = job.getString("id");
    long start = System.nanoTime();
    String params = job.getJsonObject("params").encode();
    long taskTimeoutMillis = job.getInteger("taskTimeoutSeconds", 0) * 1000L;
    int perEntry = job.getInteger(TaskGroups.FIELD, 1);
    int maxAttempts = job.getInteger("maxAttempts", config.maxAttempts());
    IMap<String, TaskEntry> tasks = grid.tasks();
    List<List<String>> byShard = new ArrayList<>();
    for (int s = 0; s < Names.QUEUE_SHARDS; s++) {
      byShard.add(new ArrayList<>());
    }
    int firstShard = TaskEntry.shardOf(TaskEntry.key(id, 0));
    Map<String, TaskEntry> chunk = new HashMap<>();
    // Workers are told as soon as the first queue has keys, and of the others once they all
    // have: each queue is a call, and idle workers need not wait for the sixteenth. Each word
    // names its queues, so that a worker looks in those and not in every one. Two passes over
    // the tasks: the first queue's entries, then all the others.
    for (boolean firstQueue : new boolean[] {true, false}) {
      for (int i = 0; i < inputs.size(); i += perEntry) {
        String key = TaskEntry.key(id, i);
        int shard = TaskEntry.shardOf(key);
        if ((shard == firstShard) != firstQueue) {
          continue;
        }
        int count = Math.min(perEntry, inputs.size() - i);
        TaskEntry entry = TaskEntry.queued(id, i, count, job.getString("kind"), params, TaskGroups.input(inputs, i, count),
            maxAttempts, taskTimeoutMillis * count);
        if (fresh) {
          chunk.put(key, entry);
          if (chunk.size() == CHUNK) {
            tasks.putAll(chunk);
            chunk.clear();
          }
          byShard.get(shard).add(key);
        } else if (tasks.putIfAbsent(key, entry) == null) {
          byShard.get(shard).add(key);
        }
      }
      if (!chunk.isEmpty()) {
        tasks.putAll(chunk);
        chunk.clear();
      }
      if (firstQueue && !byShard.get(firstShard).isEmpty()) {
        grid.pending(firstShard).addAll(byShard.get(firstShard));
        TaskEvents.announceShards(node.vertx().eventBus(), 1 << firstShard);
      }
    }
    int others = 0;
    for (int s = 0; s < Names.QUEUE_SHARDS; s++) {
      if (s != firstShard && !byShard.get(s).isEmpty()) {
        grid.pending(s).addAll(byShard.get(s));
        others |= 1 << s;
      }
    }
    TaskEvents.announceShards(node.vertx().eventBus(), others);
    long dispatchMillis = (System.nanoTime() - start) / 1_000_000;
    long dispatchedAt = System.currentTimeMillis();
    var updated = store.update(id, known, current -> current.put("dispatched", true)
        .put("timeline", current.getJsonObject("timeline", new JsonObject())
            .put("dispatchMillis", dispatchMillis).put("dispatchedAt", dispatchedAt)));
    updated.ifPresent(current -> runs.putIfAbsent(id, new JobRun(current.job(), current.value())));
    publishUpdate(id, JobState.RUNNING);
    LOG.info(() -> "job " + id + " (" + job.getString("kind") + ") running: " + inputs.size() + " tasks"
        + (perEntry == 1 ? "" : " in grid entries of " + perEntry));
  }

  /** A coordinator that takes over picks up a running job from the grid. */
  private void resume(JsonObject job) {
    String id = job.getString("id");
    if (!job.getBoolean("dispatched", false)) {
      JobKind<?> kind = JobKinds.get(job.getString("kind"));
      dispatch(job, null, kind.split(job.getJsonObject("params"), job.getInteger("tasks")), false);
    } else {
      runs.putIfAbsent(id, new JobRun(job, null));
    }
    reconcile(runs.get(id));
    LOG.info(() -> "resumed job " + id);
  }

  // ---- following progress

  private void taskDone(JsonObject event) {
    JobRun run = runs.get(event.getString("jobId"));
    if (run == null || !run.markDone(event.getInteger("index"), event.getInteger("count", 1))) {
      return;
    }
    run.heard();
    run.recordDuration(event.getLong("micros", 0L));
    String key = event.getString("key", TaskEntry.key(run.id, event.getInteger("index")));
    if (run.replicated.contains(key)) {
      run.superseded.add(key);
      node.vertx().eventBus().publish(Names.TASK_SUPERSEDED, new JsonObject().put("key", key).put("winner", event.getString("node")));
    }
    if (run.complete()) {
      finish(run);
    }
  }

  /** What the safety nets need to know of a task a worker holds. */
  private record Leased(String key, String jobId, String owner, long leasedAt, long leaseExpiry, String replicaOwner) {
    static final Projection<Map.Entry<String, TaskEntry>, Object[]> FIELDS =
        Projections.multiAttribute("__key", "jobId", "owner", "leasedAt", "leaseExpiry", "replicaOwner");

    static Leased of(Object[] row) {
      return new Leased((String) row[0], (String) row[1], (String) row[2], (Long) row[3], (Long) row[4], (String) row[5]);
    }
  }

  /**
   * Once a second while jobs run: the tasks the workers hold, a few per worker, read in one
   * query for both safety nets that look at them, a lease that expired and a task that runs
   * too long. (They were a query each, and the stragglers one per running job: on a small
   * machine, the grid member's queries take their CPU from the tasks.)
   */
  private void watchLeases() {
    long now = System.currentTimeMillis();
    List<Leased> leased = grid.tasks().project(Leased.FIELDS, Predicates.equal("state", TaskEntry.LEASED))
        .stream().map(Leased::of).toList();
    reapExpiredLeases(leased, now);
    replicateStragglers(leased, now);
  }

  // Straggler mitigation: when the queues are empty (workers are idle) and a task has run
  // much longer than the job's typical task, ask for a replica; the first result wins. The
  // queues are counted only once a straggler is found: counting them is a call to each.
  private void replicateStragglers(List<Leased> leased, long now) {
    List<String> requested = new ArrayList<>();
    Boolean queuesEmpty = null;
    for (JobRun run : runs.values()) {
      long typical = run.typicalMicros();
      if (typical < 0) {
        continue;
      }
      long threshold = Math.max(1000, 3 * typical / 1000);
      for (Leased task : leased) {
        if (!task.jobId().equals(run.id) || task.leasedAt() >= now - threshold
            || task.replicaOwner() != null || run.replicated.contains(task.key())) {
          continue;
        }
        if (queuesEmpty == null) {
          queuesEmpty = countPending() == 0;
        }
        if (!queuesEmpty) {
          return;
        }
        run.replicated.add(task.key());
        String replicaKey = TaskEntry.REPLICA_PREFIX + task.key();
        grid.offer(replicaKey);
        requested.add(replicaKey);
        metrics.counter(MetricNames.TASKS_REPLICATED, "kind", run.kind).increment();
        LOG.info(() -> "task " + task.key() + " has run " + (now - task.leasedAt()) + " ms on " + task.owner()
            + ", typical is " + typical / 1000 + " ms: replica requested");
      }
    }
    if (!requested.isEmpty()) {
      TaskEvents.announceQueued(node.vertx().eventBus(), requested);
    }
  }

  /**
   * The safety net for missed events: reads from the grid what the events of a job have not
   * said for a while. While its results are heard of, a job is left alone: reading the grid
   * is a query over every finished task of the job, every time, which a large job paid for
   * every two seconds of its run. A missed event is caught once the job's events stop.
   */
  private void reconcileAll() {
    for (JobRun run : new ArrayList<>(runs.values())) {
      if (!run.heardWithin(RECONCILE_MILLIS)) {
        reconcile(run);
      }
    }
  }

  /** Corrects what the leader knows of a job from the grid: events can be missed, the grid cannot. */
  private void reconcile(JobRun run) {
    if (run == null) {
      return;
    }
    JsonObject job = store.get(run.id).orElse(null);
    if (job == null || JobState.valueOf(job.getString("state")).isFinal()) {
      drop(run, job == null ? null : job.getString("cancelReason"));
      return;
    }
    Predicate<String, TaskEntry> ofJob = Predicates.equal("jobId", run.id);
    Collection<Object[]> doneEntries = grid.tasks().project(Projections.multiAttribute("index", "count"),
        Predicates.and(ofJob, Predicates.equal("state", TaskEntry.DONE)));
    doneEntries.forEach(entry -> run.markDone((Integer) entry[0], (Integer) entry[1]));
    Collection<TaskEntry> failed = grid.tasks().values(Predicates.and(ofJob, Predicates.equal("state", TaskEntry.FAILED)));
    if (!failed.isEmpty()) {
      fail(run, failed.iterator().next());
    } else if (run.complete()) {
      finish(run);
    }
  }

  // ---- finishing

  private void finish(JobRun run) {
    long start = System.nanoTime();
    List<byte[]> partials = new ArrayList<>(run.total);
    List<TaskEntry> missing = new ArrayList<>();
    long executionMicros = 0;
    long firstLeasedAt = Long.MAX_VALUE;
    int replicasWon = 0;
    List<String> keys = run.entryKeys();
    for (int from = 0; from < keys.size(); from += CHUNK) {
      List<String> chunk = keys.subList(from, Math.min(keys.size(), from + CHUNK));
      Map<String, TaskEntry> entries = grid.tasks().getAll(new HashSet<>(chunk));
      for (String key : chunk) {
        TaskEntry entry = entries.get(key);
        if (entry == null || !TaskEntry.DONE.equals(entry.getState())) {
          missing.add(entry);
        } else {
          partials.add(entry.getResult());
          executionMicros += entry.getMicros();
          // The grid, not the events, says who won: the result's author is not the lease owner.
          // The loser learns it from the job's end too, also when the leader never heard the
          // winner's word (a job completed from the grid, by reconcile, has no words to hear).
          if (run.replicated.contains(entry.key()) && !entry.getResultBy().equals(entry.getOwner())) {
            replicasWon++;
            run.superseded.add(entry.key());
          }
          firstLeasedAt = Math.min(firstLeasedAt, entry.getLeasedAt());
        }
      }
    }
    if (!missing.isEmpty()) {
      LOG.warning(() -> "job " + run.id + " looked complete but " + missing.size() + " grid entries have no result; re-reading the grid");
      run.forgetDone();
      reconcile(run);
      return;
    }
    run.replicasWon = replicasWon;
    metrics.counter(MetricNames.REPLICAS_WON).increment(replicasWon);
    JobResult result;
    try {
      result = JobKinds.get(run.kind).finishEncoded(run.params, partials);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "merging job " + run.id + " failed", e);
      end(run, JobState.FAILED, null, job -> job.put("error", new JsonObject()
          .put("message", "merging the results failed: " + e).put("jobId", run.id)));
      return;
    }
    long mergeMillis = (System.nanoTime() - start) / 1_000_000;
    if (result.hasAttachment()) {
      store.saveAttachment(run.id, result.attachment());
    }
    long execution = executionMicros / 1000;
    long claimed = firstLeasedAt;
    end(run, JobState.SUCCEEDED, null, job -> {
      job.put("result", result.summary());
      if (result.hasAttachment()) {
        job.put("attachment", result.contentType());
      }
      job.put("timeline", Timeline.complete(job.getJsonObject("timeline", new JsonObject()), mergeMillis, execution, claimed));
      Timeline.record(metrics, run.kind, job.getJsonObject("timeline"));
      return job;
    });
  }

  /** A task failed every attempt: the job fails, and its error tells the whole story. */
  private void fail(JobRun run, TaskEntry failed) {
    JsonArray attempts = failed.getErrors() == null ? new JsonArray() : new JsonArray(failed.getErrors());
    JsonObject error = new JsonObject()
        .put("message", failed.describe() + " failed on all " + failed.getAttempt() + " attempts")
        .put("jobId", run.id)
        .put("taskId", failed.key())
        .put("attempts", attempts);
    LOG.warning(() -> "job " + run.id + " FAILED: " + error.encode());
    end(run, JobState.FAILED, null, job -> job.put("error", error));
  }

  /**
   * Ends a job that has not ended yet.
   *
   * @param stopReason why workers must stop its tasks (user, deadline), or null when it simply ended
   */
  private void end(JobRun run, JobState state, String stopReason, java.util.function.UnaryOperator<JsonObject> details) {
    store.update(run.id, run.stored, job -> {
      if (JobState.valueOf(job.getString("state")).isFinal()) {
        return null;
      }
      JsonObject timeline = job.getJsonObject("timeline", new JsonObject())
          .put("runMillis", (System.nanoTime() - run.startedNanos) / 1_000_000);
      return details.apply(job.put("state", state.name()).put("finishedAt", Instant.now().toString())
          .put("progress", new JsonObject().put("total", run.total).put("done", run.doneCount))
          .put("replicas", new JsonObject().put("issued", run.replicated.size()).put("won", run.replicasWon))
          .put("timeline", timeline));
    });
    metrics.counter(MetricNames.JOBS_FINISHED, "kind", run.kind, "state", state.name()).increment();
    LOG.info(() -> "job " + run.id + " " + state);
    drop(run, stopReason);
  }

  /**
   * Forgets a job that has ended, and clears its tasks out of the grid and off the workers.
   * Whoever waits for the job hears first: its record says how it ended already, and clearing
   * the tasks is a query over the grid that the answer need not wait for.
   */
  private void drop(JobRun run, String stopReason) {
    runs.remove(run.id);
    JsonObject stopped = new JsonObject().put("jobId", run.id).put("reason", stopReason == null ? "job ended" : stopReason);
    if (!run.superseded.isEmpty()) {
      stopped.put("superseded", new JsonArray(new ArrayList<>(run.superseded)));
    }
    node.vertx().eventBus().publish(Names.JOB_STOPPED, stopped);
    publishUpdate(run.id, null);
    grid.tasks().removeAll(Predicates.equal("jobId", run.id));
    if (run.doneCount < run.total) {
      purgeQueues(run);
    }
  }

  /**
   * Takes a job's keys off the queues when it ends unfinished (cancelled, failed, past its
   * deadline), so workers do not drain and claim thousands of keys whose tasks are gone.
   */
  private void purgeQueues(JobRun run) {
    List<Set<String>> byShard = new ArrayList<>();
    for (int s = 0; s < Names.QUEUE_SHARDS; s++) {
      byShard.add(new HashSet<>());
    }
    for (String key : run.entryKeys()) {
      byShard.get(TaskEntry.shardOf(key)).add(key);
    }
    for (int s = 0; s < Names.QUEUE_SHARDS; s++) {
      grid.pending(s).removeAll(byShard.get(s));
    }
  }

  /**
   * A running job's progress, written into its record at most once a second. The record is for
   * a coordinator that starts or takes over: the coordinators hear the workers' words as this
   * leader does and show what they heard ({@link LiveProgress}). Each write is a compare-and-set
   * of the whole record on the grid member, which on a small machine takes its CPU from the
   * tasks, and it was an event to every coordinator besides.
   */
  private void persistProgress(JobRun run, long now) {
    int done = run.doneCount;
    if (done == run.persistedCount || now - run.persistedAt < PERSIST_PROGRESS_MILLIS) {
      return;
    }
    store.update(run.id, run.stored, job -> JobState.valueOf(job.getString("state")).isFinal() ? null
        : job.put("progress", new JsonObject().put("total", run.total).put("done", done)))
        .ifPresent(stored -> run.stored = stored.value());
    run.persistedCount = done;
    run.persistedAt = now;
  }

  /**
   * Tells every coordinator that job {@code id} changed state, and to which if that is known
   * ({@code null}: read the record). Progress is not told: the coordinators hear the workers'
   * words themselves ({@link LiveProgress}).
   */
  private void publishUpdate(String id, JobState state) {
    JsonObject event = new JsonObject().put("jobId", id);
    if (state != null) {
      event.put("state", state.name());
    }
    node.vertx().eventBus().publish(Names.JOB_UPDATED, event);
  }

  // ---- taking tasks back

  // The grid checks again that the lease has expired (Requeue): one renewed since the read stays.
  private void reapExpiredLeases(List<Leased> leased, long now) {
    for (Leased task : leased) {
      if (task.leaseExpiry() < now && requeue(task.key(), null, Requeue.Reason.LEASE_EXPIRED)) {
        metrics.counter(MetricNames.LEASE_EXPIRATIONS).increment();
      }
    }
  }

  private void requeueTasksOf(String nodeId) {
    Set<String> keys = grid.tasks().keySet(Predicates.and(
        Predicates.equal("owner", nodeId), Predicates.equal("state", TaskEntry.LEASED)));
    int count = 0;
    for (String key : keys) {
      if (requeue(key, nodeId, Requeue.Reason.OWNER_LEFT)) {
        count++;
      }
    }
    if (count > 0) {
      int requeued = count;
      LOG.info(() -> nodeId + " left the cluster holding " + requeued + " tasks: requeued");
    }
  }

  // A task is orphaned if a worker took its key off a queue and died before claiming it:
  // queued in the grid, in no queue, on two sweeps in a row.
  private void sweepOrphans() {
    Set<String> queued = new HashSet<>();
    for (int s = 0; s < Names.QUEUE_SHARDS; s++) {
      IQueue<String> queue = grid.pending(s);
      queued.addAll(queue);
    }
    Set<String> stale = new HashSet<>(grid.tasks().keySet(Predicates.and(
        Predicates.equal("state", TaskEntry.QUEUED),
        Predicates.lessThan("queuedAt", System.currentTimeMillis() - ORPHAN_AGE_MILLIS))));
    stale.removeAll(queued);
    Set<String> suspects = new HashSet<>();
    for (String key : stale) {
      if (orphanSuspects.contains(key)) {
        requeue(key, null, Requeue.Reason.ORPHANED);
      } else {
        suspects.add(key);
      }
    }
    orphanSuspects = suspects;
  }

  private boolean requeue(String key, String owner, Requeue.Reason reason) {
    if (Boolean.TRUE.equals(grid.tasks().executeOnKey(key, new Requeue(owner, reason)))) {
      grid.offer(key);
      metrics.counter(MetricNames.TASKS_REQUEUED, "reason", reason.name().toLowerCase(java.util.Locale.ROOT)).increment();
      node.vertx().eventBus().publish(Names.TASK_REQUEUED, new JsonObject().put("task", key).put("reason", reason.name()).put("owner", owner));
      return true;
    }
    return false;
  }

  /** Task keys in the pending queues, all sixteen counted; the backlog gauge shows the last count. */
  private long countPending() {
    long pending = 0;
    for (int s = 0; s < Names.QUEUE_SHARDS; s++) {
      pending += grid.pending(s).size();
    }
    backlog.set(pending);
    return pending;
  }

  /** For a scrape of the metrics, by the leader only: the backlog and the jobs by state. */
  private void measure() {
    if (!leading) {
      return;
    }
    countPending();
    var jobs = grid.hazelcast().<String, HazelcastJsonValue>getMap(Names.JOBS);
    // Counted by the grid through its state index, not by reading every record here.
    jobCounts.forEach((state, count) -> count.set(jobs.aggregate(Aggregators.count(), Predicates.equal("state", state.name()))));
  }

  /** On shutdown: stop leading and let another coordinator take over at once. */
  void stop() {
    stopping = true;
    try {
      leader.submit(() -> {
        if (leading) {
          leading = false;
          grid.coordination().unlock(Names.LEADER_KEY);
        }
      }).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.log(Level.FINE, "leader lock left to expire with this member", e);
    }
    leader.shutdownNow();
  }
}
