package dev.amdahl.worker;

import com.hazelcast.map.EntryProcessor;
import dev.amdahl.jobs.Cancellation;
import dev.amdahl.jobs.CancelledException;
import dev.amdahl.jobs.JobKind;
import dev.amdahl.jobs.JobKinds;
import dev.amdahl.node.Logs;
import dev.amdahl.node.MetricNames;
import dev.amdahl.node.Names;
import dev.amdahl.node.NodeRuntime;
import dev.amdahl.node.TaskEvents;
import dev.amdahl.node.grid.Claim;
import dev.amdahl.node.grid.ClaimReplica;
import dev.amdahl.node.grid.Complete;
import dev.amdahl.node.grid.Fail;
import dev.amdahl.node.grid.Grid;
import dev.amdahl.node.grid.Renew;
import dev.amdahl.node.grid.Requeue;
import dev.amdahl.node.grid.TaskEntry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Pulls tasks from the grid and runs them.
 *
 * <p>One thread pulls: it waits until the worker has room for more tasks, drains task keys
 * from the pending queues (starting at a rotating shard, so workers spread over them), and
 * claims them in one call. How many it holds ahead of its threads is the {@link Prefetch}
 * window: deep for a job of short tasks, shallow for long ones. A fixed pool runs the claimed
 * tasks; the {@link ResultWriter} hands their results to the grid in batches, where the first
 * result for a task wins, and one event per batch tells the coordinator. A faster worker
 * finishes its tasks sooner and so pulls more; a new worker pulls as soon as it has joined.
 *
 * <p>A steward watches the running tasks: it stops a task past its timeout, and replaces an
 * executor thread whose task ignores being stopped. When it cannot (more stuck threads than
 * it may replace), the worker's liveness check fails so that its runtime restarts it.
 */
final class TaskRunner {
  private static final Logger LOG = Logs.logger(TaskRunner.class);
  private static final long STUCK_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);
  /**
   * How long an idle worker waits before it looks at the queues again. Whoever queues tasks
   * says so on the event bus ({@link Names#TASKS_QUEUED}, {@link Names#TASK_REQUEUED}) and wakes
   * it at once; this is the fallback for a word that was missed, and a busy worker looks in
   * every queue at least this often too. Each look is a call to each of the 16 queues, so an
   * idle cluster pays for every look.
   */
  private static final long IDLE_LOOK_MILLIS = 2000;
  /**
   * How long a claim of a few keys waits for its calls: longer than Hazelcast's own invocation
   * timeout, which ends a call that gets no answer first, as it ends a call for several keys.
   */
  private static final long CLAIM_TIMEOUT_SECONDS = 300;
  /** How long the puller, with no room, waits before it reads the window again unwoken. */
  private static final long ROOM_LOOK_MILLIS = 500;

  /** Why a task attempt was stopped: the {@code reason} tag of {@link MetricNames#TASKS_CANCELLED}. */
  static final String USER = "user";
  static final String DEADLINE = "deadline";
  static final String JOB_ENDED = "job_ended";
  static final String SUPERSEDED = "superseded_replica";
  static final String LEASE_LOST = "lease_lost";
  static final String TIMEOUT = "timeout";
  static final String DRAINING = "draining";

  private final NodeRuntime node;
  private final Grid grid;
  private final WorkerConfig config;
  private final String id;
  private final ThreadPoolExecutor executors;
  private final Prefetch prefetch;
  private final ResultWriter writer;
  /** Raised when a task stops running and leaves room for the puller to pull. */
  private final Signal room = new Signal();
  /** Tasks that ended since the puller last looked for room, and how many it waits for. */
  private final AtomicInteger endsSinceLook = new AtomicInteger();
  private volatile int endsAwaited = 1;
  /** Raised when the leader says it queued tasks: the idle puller looks at once. */
  private final Signal work = new Signal();
  /**
   * The queues that words have named since the puller last looked (bit {@code s}: queue
   * {@code s}): each is worth a look again. A word that names none names all.
   */
  private final AtomicInteger wordShards = new AtomicInteger(TaskEvents.ALL_SHARDS);
  private final Map<String, HeldTask> held = new ConcurrentHashMap<>();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong failedAttempts = new AtomicLong();
  private final AtomicLong discarded = new AtomicLong();
  private final AtomicInteger stuck = new AtomicInteger();
  private final MeterRegistry metrics;
  private final Counter wasted;
  private final Map<String, Timer> durations = new ConcurrentHashMap<>();
  private final ResultFormat resultFormat;
  private volatile boolean pulling = true;
  private Thread puller;

  TaskRunner(NodeRuntime node, WorkerConfig config) {
    this.node = node;
    this.grid = node.grid();
    this.config = config;
    this.id = config.node().id();
    this.metrics = node.metrics();
    this.resultFormat = new ResultFormat(config.resultFormat(), id, config.node().version());
    AtomicInteger count = new AtomicInteger();
    this.executors = new ThreadPoolExecutor(config.threads(), config.threads(), 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), runnable -> {
          Thread thread = new Thread(runnable, "amdahl-task-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    this.prefetch = new Prefetch(config.threads(), config.baseHeld(), config.maxHeld());
    this.writer = new ResultWriter(grid, id, new ResultWriter.Sink() {
      @Override
      public boolean moreDue(Set<String> jobIds) {
        for (HeldTask entry : held.values()) {
          if (!entry.executed && !entry.isCancelled() && jobIds.contains(entry.task.getJobId())) {
            return true;
          }
        }
        return false;
      }

      @Override
      public void written(List<ResultWriter.Finished> batch, Map<String, Complete.Outcome> outcomes) {
        resultsWritten(batch, outcomes);
      }

      @Override
      public void lost(List<ResultWriter.Finished> batch) {
        batch.forEach(finished -> release(finished.entry()));
      }
    });
    this.wasted = Counter.builder(MetricNames.WORK_WASTED).baseUnit("seconds")
        .description("Time spent on task attempts whose result did not count").register(metrics);
    Gauge.builder(MetricNames.TASKS_IN_FLIGHT, held, Map::size)
        .description("Tasks this worker holds right now").register(metrics);
    Gauge.builder(MetricNames.EXECUTORS_STUCK, stuck, AtomicInteger::get)
        .description("Executor threads stuck in a task that ignores cancellation").register(metrics);
  }

  void start() {
    var bus = node.vertx().eventBus();
    bus.<JsonObject>consumer(Names.JOB_STOPPED, message -> stopJob(message.body()));
    bus.<JsonObject>consumer(Names.TASK_SUPERSEDED, message -> supersede(message.body()));
    bus.consumer(Names.TASKS_QUEUED, message -> tasksQueued(TaskEvents.queuedShards(message.body())));
    bus.consumer(Names.TASK_REQUEUED, message -> tasksQueued(TaskEvents.queuedShards(message.body())));
    node.scheduler().scheduleAtFixedRate(this::renewLeases, config.pulseMillis(), config.pulseMillis(), TimeUnit.MILLISECONDS);
    node.scheduler().scheduleAtFixedRate(this::steward, 200, 200, TimeUnit.MILLISECONDS);
    node.livenessCheck(this::livenessProblem);
    writer.start();
    puller = new Thread(this::pullLoop, "amdahl-puller");
    puller.setDaemon(true);
    puller.start();
  }

  JsonObject describe() {
    return new JsonObject()
        .put("completed", completed.get())
        .put("inFlight", held.size())
        .put("prefetch", new JsonObject().put("base", config.baseHeld()).put("max", config.maxHeld())
            .put("pullMillis", Math.round(prefetch.pullMicros() / 100) / 10.0))
        .put("failed", failedAttempts.get())
        .put("discarded", discarded.get())
        .put("stuck", stuck.get())
        .put("threads", config.threads())
        .put("slowdown", config.slowdown())
        .put("resultFormat", config.resultFormat());
  }

  // ---- pulling

  private void tasksQueued(int shards) {
    wordShards.getAndAccumulate(shards, (a, b) -> a | b);
    work.raise();
  }

  private void pullLoop() {
    int shard = ThreadLocalRandom.current().nextInt(Names.QUEUE_SHARDS);
    QueueLooks looks = new QueueLooks();
    while (pulling) {
      try {
        int wanted = awaitRoom();
        if (wanted == 0) {
          break;
        }
        long start = System.nanoTime();
        Taken taken = take(looks, shard, wanted);
        shard = (shard + 1) % Names.QUEUE_SHARDS;
        if (!pulling) {
          handBack(taken.keys());
          break;
        }
        prefetch.plenty(!looks.shortSinceWord());
        List<String> admitted = admit(taken.keys());
        int started = claimAndRun(admitted);
        if (started > 0 && !taken.waited()) {
          prefetch.pulled((System.nanoTime() - start) / 1000);
        }
        if (admitted.isEmpty() && !taken.keys().isEmpty()) {
          // Only tasks of jobs this worker holds enough of were waiting: let others take them.
          room.await(100);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        if (pulling) {
          // Claimed tasks we never heard of come back when their leases expire.
          LOG.log(Level.WARNING, "pulling tasks failed; retrying", e);
          pause(500);
        }
      }
    }
  }

  /** Waits until the worker has room for more tasks, and says for how many. */
  private int awaitRoom() throws InterruptedException {
    while (pulling) {
      // Counted from before the look, so that no task end falls between the look and the wait.
      endsSinceLook.set(0);
      int unfinished = unfinished();
      Prefetch.Window window = prefetch.window();
      int wanted = window.room(unfinished);
      if (wanted > 0) {
        return wanted;
      }
      endsAwaited = window.endsShortOfRoom(unfinished);
      if (endsSinceLook.get() >= endsAwaited) {
        continue;
      }
      // Woken when a task's end leaves room; the timeout is for room that opens otherwise (a
      // stuck task's entry given up, an estimate gone stale).
      room.await(ROOM_LOOK_MILLIS);
    }
    return 0;
  }

  /** Tasks claimed and not yet run to the end: running, or waiting for a thread. */
  private int unfinished() {
    int count = 0;
    for (HeldTask entry : held.values()) {
      if (!entry.executed) {
        count++;
      }
    }
    return count;
  }

  /** Keys taken off the queues, and whether taking them meant waiting for the first one. */
  private record Taken(List<String> keys, boolean waited) {
  }

  /**
   * Which pending queues are worth a call: those that have not come up short since a word
   * named them (a word that names none names all; an idle wait that no word ended looks in
   * all). Every look at a queue is a round trip to the grid: towards the end of a job most
   * queues are empty, and looking in all of them for every task cost more calls than
   * claiming and completing it; at the start of a job, the first task waited for the looks
   * in the queues before its own. For the puller thread only.
   */
  private final class QueueLooks {
    /** Bit {@code s} set: queue {@code s} came up short, and no word has named it since. */
    private int emptied;
    /** A queue came up short since the last word of queued tasks: the end of a job is near. */
    private boolean shortSinceWord;
    private long lookedEverywhereAt = System.nanoTime();

    /** Before a round of looks: takes in the queues that words have named since the last. */
    void hearWords() {
      int named = wordShards.getAndSet(0);
      emptied &= ~named;
      if (named != 0) {
        shortSinceWord = false;
      }
      // However many words come, every queue gets a look now and then: a word can be missed.
      if (System.nanoTime() - lookedEverywhereAt > TimeUnit.MILLISECONDS.toNanos(IDLE_LOOK_MILLIS)) {
        lookEverywhere();
      }
    }

    /** Whether queue {@code shard} may have keys. */
    boolean worthALook(int shard) {
      return (emptied & 1 << shard) == 0;
    }

    /** Queue {@code shard} gave fewer keys than asked for: it is empty now. */
    void cameUpShort(int shard) {
      emptied |= 1 << shard;
      shortSinceWord = true;
    }

    /** Whether a queue came up short since the last word of queued tasks (see {@link Prefetch#plenty}). */
    boolean shortSinceWord() {
      return shortSinceWord;
    }

    /** Look in every queue again: the fallback for a word that was missed. */
    void lookEverywhere() {
      emptied = 0;
      lookedEverywhereAt = System.nanoTime();
    }
  }

  private Taken take(QueueLooks looks, int firstShard, int max) throws InterruptedException {
    List<String> keys = new ArrayList<>(max);
    looks.hearWords();
    for (int i = 0; i < Names.QUEUE_SHARDS && keys.size() < max; i++) {
      int shard = (firstShard + i) % Names.QUEUE_SHARDS;
      if (!looks.worthALook(shard)) {
        continue;
      }
      int wanted = max - keys.size();
      if (grid.pending(shard).drainTo(keys, wanted) < wanted) {
        looks.cameUpShort(shard);
      }
    }
    if (keys.isEmpty()) {
      // Nothing queued: wait for word that there is, or look again later (the word is a
      // hint that can be missed; the queues are the truth).
      if (!work.await(IDLE_LOOK_MILLIS)) {
        looks.lookEverywhere();
      }
    }
    return new Taken(keys, keys.isEmpty());
  }

  /**
   * The keys to claim: of each job, as many as its {@link Prefetch} window leaves room for.
   * The rest go back to their queues for other workers (they are still queued in the grid).
   */
  private List<String> admit(List<String> keys) {
    Map<String, Integer> holding = new HashMap<>();
    for (HeldTask entry : held.values()) {
      if (!entry.executed) {
        holding.merge(entry.task.getJobId(), 1, Integer::sum);
      }
    }
    List<String> admitted = new ArrayList<>(keys.size());
    List<String> back = new ArrayList<>();
    for (String key : keys) {
      if (key.startsWith(TaskEntry.REPLICA_PREFIX)) {
        admitted.add(key);
        continue;
      }
      String job = TaskEntry.jobOf(key);
      if (holding.merge(job, 1, Integer::sum) <= prefetch.limit(job)) {
        admitted.add(key);
      } else {
        back.add(key);
      }
    }
    handBack(back);
    return admitted;
  }

  private int claimAndRun(List<String> keys) throws InterruptedException {
    Set<String> tasks = new HashSet<>();
    Set<String> replicas = new HashSet<>();
    for (String key : keys) {
      if (key.startsWith(TaskEntry.REPLICA_PREFIX)) {
        replicas.add(key.substring(TaskEntry.REPLICA_PREFIX.length()));
      } else {
        tasks.add(key);
      }
    }
    int started = 0;
    if (!tasks.isEmpty()) {
      started += runAll(claim(tasks, new Claim(id, config.leaseMillis())), false);
    }
    if (!replicas.isEmpty()) {
      started += runAll(claim(replicas, new ClaimReplica(id, config.leaseMillis())), true);
    }
    return started;
  }

  /**
   * Claims {@code keys}; the claimed tasks, with null for a key whose task could not be claimed.
   * A few go out as a call each ({@link FewKeys}): a job of long tasks claims one or two at a time.
   */
  private Collection<TaskEntry> claim(Set<String> keys, EntryProcessor<String, TaskEntry, TaskEntry> claim)
      throws InterruptedException {
    if (keys.size() > FewKeys.MAX) {
      return grid.tasks().executeOnKeys(keys, claim).values();
    }
    List<CompletionStage<TaskEntry>> calls = new ArrayList<>(keys.size());
    for (String key : keys) {
      calls.add(grid.tasks().submitToKey(key, claim));
    }
    // A claim that went through holds a lease, and its task runs here. One that failed may have
    // gone through too: it comes back when its lease lapses, as with a call for several keys
    // that failed.
    List<TaskEntry> claimed = new ArrayList<>(calls.size());
    Exception failure = null;
    for (FewKeys.Answer<TaskEntry> answer : FewKeys.awaitAll(calls, CLAIM_TIMEOUT_SECONDS)) {
      if (answer.failure() == null) {
        claimed.add(answer.value());
      } else {
        failure = answer.failure();
      }
    }
    if (failure != null) {
      if (claimed.stream().allMatch(Objects::isNull)) {
        throw new IllegalStateException("claiming " + keys.size() + " tasks failed", failure);
      }
      LOG.log(Level.WARNING, "claiming " + (keys.size() - claimed.size()) + " of " + keys.size()
          + " tasks failed; they come back when their leases lapse", failure);
    }
    return claimed;
  }

  private int runAll(Collection<TaskEntry> claimed, boolean replica) {
    int started = 0;
    for (TaskEntry task : claimed) {
      if (task == null) {
        continue;
      }
      HeldTask entry = new HeldTask(task, replica);
      held.put(task.key(), entry);
      metrics.counter(MetricNames.TASKS_CLAIMED, "kind", task.getKind()).increment(task.getCount());
      executors.execute(() -> run(entry));
      started++;
    }
    return started;
  }

  // Keys taken off a queue but not claimed are still QUEUED in the grid: put them back, and
  // say where, so that a worker that found those queues empty looks again.
  private void handBack(List<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    Map<Integer, List<String>> byShard = new HashMap<>();
    keys.forEach(key -> byShard.computeIfAbsent(TaskEntry.shardOf(key), s -> new ArrayList<>()).add(key));
    byShard.forEach((shard, some) -> grid.pending(shard).addAll(some));
    TaskEvents.announceQueued(node.vertx().eventBus(), keys);
  }

  // ---- running

  private void run(HeldTask entry) {
    TaskEntry task = entry.task;
    entry.running(Thread.currentThread());
    boolean handedOver = false;
    try {
      renew(entry);
      byte[] result = resultFormat.write(execute(task, entry));
      slowDown(entry);
      long nanos = entry.elapsedNanos();
      Timer timer = durations.computeIfAbsent(task.getKind(), k -> Timer.builder(MetricNames.TASK_DURATION).tag("kind", k)
          .publishPercentileHistogram().description("How long one task took to execute").register(metrics));
      for (int i = 0; i < task.getCount(); i++) {
        timer.record(nanos / task.getCount(), TimeUnit.NANOSECONDS);
      }
      prefetch.ran(task.getJobId(), nanos / 1000);
      // Done before the hand-over: the writer, seeing this task still unfinished, would wait for its result.
      entry.executed = true;
      writer.offer(new ResultWriter.Finished(entry, result, nanos));
      handedOver = true;
    } catch (CancelledException | InterruptedException e) {
      stopped(entry);
    } catch (Throwable e) {
      if (entry.isCancelled()) {
        stopped(entry);
      } else if (!entry.abandoned) {
        fail(entry, e);
      }
    } finally {
      entry.ended();
      entry.executed = true;
      Thread.interrupted();
      if (entry.abandoned) {
        resizePool(-1);
        stuck.decrementAndGet();
        LOG.info(() -> "the stuck " + task.describe() + " finally returned; its thread is retired");
      }
      if (!handedOver) {
        release(entry);
      }
      wakePullerIfRoom();
    }
  }

  /**
   * Wakes the puller once as many tasks have ended as it waits for. A job of long tasks pulls
   * only once all its tasks held ahead have started, so most task ends leave no room: waking
   * the puller for each of them cost a thread wake-up per task that found nothing to do.
   */
  private void wakePullerIfRoom() {
    if (endsSinceLook.incrementAndGet() >= endsAwaited) {
      room.raise();
    }
  }

  /** Runs the entry's task, or its group of tasks one after another, and encodes the (merged) partial. */
  private static byte[] execute(TaskEntry task, HeldTask entry) throws InterruptedException {
    JobKind<?> kind = JobKinds.get(task.getKind());
    JsonObject params = new JsonObject(task.getParams());
    if (task.getCount() == 1) {
      return kind.executeEncoded(params, new JsonObject(task.getInput()), entry);
    }
    List<JsonObject> group = new JsonArray(task.getInput()).stream().map(JsonObject.class::cast).toList();
    return kind.executeAllEncoded(params, group, entry);
  }

  /** The grid's verdict on a batch of results: count them, tell the coordinator in one event, let the tasks go. */
  private void resultsWritten(List<ResultWriter.Finished> batch, Map<String, Complete.Outcome> outcomes) {
    List<TaskEvents.Done> accepted = new ArrayList<>(batch.size());
    for (ResultWriter.Finished finished : batch) {
      TaskEntry task = finished.entry().task;
      Complete.Outcome outcome = outcomes.getOrDefault(finished.key(), Complete.Outcome.GONE);
      record(task, outcome.name().toLowerCase(Locale.ROOT));
      if (outcome == Complete.Outcome.ACCEPTED) {
        completed.addAndGet(task.getCount());
        accepted.add(new TaskEvents.Done(task.getJobId(), task.getIndex(), task.getCount(), task.key(),
            finished.nanos() / 1000, finished.entry().replica));
      } else {
        discarded.addAndGet(task.getCount());
        wasted.increment(finished.nanos() / 1e9);
      }
      release(finished.entry());
    }
    if (!accepted.isEmpty()) {
      node.vertx().eventBus().publish(Names.TASKS_DONE, new TaskEvents.Batch(id, config.node().version(), accepted));
    }
  }

  /** A task attempt stopped on request; a timeout counts as a failed attempt. */
  private void stopped(HeldTask entry) {
    String reason = entry.stopReason == null ? JOB_ENDED : entry.stopReason;
    metrics.counter(MetricNames.TASKS_CANCELLED, "reason", reason).increment();
    if (reason.equals(TIMEOUT) && !entry.abandoned) {
      fail(entry, new TimeoutException(entry.task.describe() + " ran past its timeout of "
          + entry.task.getTaskTimeoutMillis() + " ms and was stopped"));
    } else if (reason.equals(SUPERSEDED)) {
      wasted.increment(entry.elapsedNanos() / 1e9);
    }
  }

  private void slowDown(HeldTask entry) throws InterruptedException {
    if (config.slowdown() <= 1.0) {
      return;
    }
    long extraMillis = (long) (entry.elapsedNanos() / 1e6 * (config.slowdown() - 1.0));
    long until = System.currentTimeMillis() + extraMillis;
    for (long left = extraMillis; left > 0; left = until - System.currentTimeMillis()) {
      entry.check();
      Thread.sleep(Math.min(left, 50));
    }
  }

  /** Records a failed attempt with the whole story; retries after a backoff while attempts remain. */
  private void fail(HeldTask entry, Throwable cause) {
    TaskEntry task = entry.task;
    failedAttempts.incrementAndGet();
    record(task, "failed");
    JsonObject error = describeFailure(task, cause);
    LOG.log(Level.WARNING, task.describe() + " attempt " + task.getAttempt() + " failed: " + error.encode());
    String state = grid.tasks().executeOnKey(task.key(), new Fail(id, error.encode()));
    if (TaskEntry.QUEUED.equals(state)) {
      metrics.counter(MetricNames.TASKS_RETRIED, "kind", task.getKind()).increment();
      node.vertx().eventBus().publish(Names.TASK_RETRIED, new JsonObject().put("jobId", task.getJobId()).put("index", task.getIndex()).put("count", task.getCount()).put("node", id).put("attempt", task.getAttempt()).put("cause", String.valueOf(cause)));
      long backoff = Math.min(5_000, 100L << Math.min(6, task.getAttempt()));
      node.scheduler().schedule(() -> {
        grid.offer(task.key());
        TaskEvents.announceQueued(node.vertx().eventBus(), List.of(task.key()));
      }, backoff, TimeUnit.MILLISECONDS);
    } else if (TaskEntry.FAILED.equals(state)) {
      node.vertx().eventBus().publish(Names.TASK_FAILED, new JsonObject()
          .put("jobId", task.getJobId()).put("index", task.getIndex()).put("count", task.getCount()).put("error", error));
    }
  }

  private JsonObject describeFailure(TaskEntry task, Throwable cause) {
    List<String> chain = new ArrayList<>();
    for (Throwable t = cause; t != null && chain.size() < 10; t = t.getCause()) {
      chain.add(t.getClass().getName() + ": " + t.getMessage());
    }
    return new JsonObject()
        .put("jobId", task.getJobId())
        .put("taskId", task.key())
        .put("node", id)
        .put("version", config.node().version())
        .put("time", Instant.now().toString())
        .put("attempt", task.getAttempt())
        .put("causes", chain);
  }

  private void record(TaskEntry task, String outcome) {
    metrics.counter(MetricNames.TASKS_COMPLETED, "kind", task.getKind(), "outcome", outcome).increment(task.getCount());
  }

  private void release(HeldTask entry) {
    if (entry.released.compareAndSet(false, true)) {
      held.remove(entry.task.key(), entry);
    }
  }

  // ---- being told to stop

  private void stopJob(JsonObject event) {
    String jobId = event.getString("jobId");
    prefetch.forget(jobId);
    held.values().stream().filter(entry -> entry.task.getJobId().equals(jobId))
        .forEach(entry -> entry.stop(stopReason(event, entry.task.key())));
  }

  /** Why an attempt of task {@code key} stops on the word {@code jobStopped} that its job ended. */
  static String stopReason(JsonObject jobStopped, String key) {
    JsonArray superseded = jobStopped.getJsonArray("superseded");
    // The word that a replica won may arrive after this one: the job's end says it again.
    if (superseded != null && superseded.contains(key)) {
      return SUPERSEDED;
    }
    return switch (jobStopped.getString("reason", "")) {
      case "user" -> USER;
      case "deadline" -> DEADLINE;
      default -> JOB_ENDED;
    };
  }

  private void supersede(JsonObject event) {
    HeldTask entry = held.get(event.getString("key"));
    if (entry != null && !id.equals(event.getString("winner"))) {
      entry.stop(SUPERSEDED);
    }
  }

  // ---- the pulse and the steward

  /**
   * The pulse: extend the held leases; a task whose lease was lost runs elsewhere now. A lease
   * set less than half a pulse ago is left for the next pulse: it has nearly all its length
   * still to run. In a job of 100 ms tasks, every task held at a pulse was claimed a moment
   * before, and renewing them all was a call fanned out over their partitions, every second,
   * for nothing.
   */
  private void renewLeases() {
    long now = System.nanoTime();
    long fresh = TimeUnit.MILLISECONDS.toNanos(config.pulseMillis()) / 2;
    Set<String> due = new HashSet<>();
    held.forEach((key, entry) -> {
      if (now - entry.leasedNanos >= fresh) {
        due.add(key);
      }
    });
    if (due.isEmpty()) {
      return;
    }
    try {
      Map<String, Boolean> renewed = grid.tasks().executeOnKeys(due, new Renew(id, config.leaseMillis()));
      renewed.forEach((key, mine) -> {
        HeldTask entry = held.get(key);
        if (entry == null) {
          return;
        }
        if (mine) {
          entry.leasedNanos = now;
        } else {
          entry.stop(LEASE_LOST);
        }
      });
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not renew leases: " + e);
    }
  }

  // A task that waited in this worker's buffer starts with a fresh lease; one just claimed or renewed has it.
  private void renew(HeldTask entry) {
    long now = System.nanoTime();
    if (now - entry.leasedNanos < TimeUnit.MILLISECONDS.toNanos(config.pulseMillis())) {
      return;
    }
    if (Boolean.TRUE.equals(grid.tasks().executeOnKey(entry.task.key(), new Renew(id, config.leaseMillis())))) {
      entry.leasedNanos = now;
    } else {
      entry.stop(LEASE_LOST);
    }
  }

  private void steward() {
    long now = System.nanoTime();
    for (HeldTask entry : held.values()) {
      if (entry.startedNanos == 0) {
        continue;
      }
      long timeout = entry.task.getTaskTimeoutMillis();
      if (timeout > 0 && !entry.isCancelled() && entry.elapsedNanos() > TimeUnit.MILLISECONDS.toNanos(timeout)) {
        entry.stop(TIMEOUT);
      }
      if (entry.isCancelled() && !entry.abandoned && now - entry.stoppedNanos > STUCK_GRACE_NANOS && entry.isRunning()) {
        replaceStuckThread(entry);
      }
    }
  }

  // Java cannot kill a thread: leave the stuck one behind, add a fresh one, give its task back.
  private void replaceStuckThread(HeldTask entry) {
    entry.abandoned = true;
    stuck.incrementAndGet();
    resizePool(+1);
    metrics.counter(MetricNames.EXECUTORS_REPLACED).increment();
    LOG.warning(() -> entry.task.describe() + " ignored being stopped (" + entry.stopReason
        + ") for 2 s: its thread is replaced; " + stuck.get() + " stuck");
    if (TIMEOUT.equals(entry.stopReason)) {
      fail(entry, new TimeoutException(entry.task.describe() + " ran past its timeout of "
          + entry.task.getTaskTimeoutMillis() + " ms and ignored being stopped"));
    }
    release(entry);
  }

  private synchronized void resizePool(int delta) {
    if (delta > 0) {
      executors.setMaximumPoolSize(executors.getMaximumPoolSize() + delta);
      executors.setCorePoolSize(executors.getCorePoolSize() + delta);
    } else {
      executors.setCorePoolSize(executors.getCorePoolSize() + delta);
      executors.setMaximumPoolSize(executors.getMaximumPoolSize() + delta);
    }
  }

  private String livenessProblem() {
    int count = stuck.get();
    return count > config.threads()
        ? count + " executor threads are stuck, more than the " + config.threads() + " it may replace"
        : null;
  }

  // ---- draining

  /**
   * Stops pulling and hands back at once the tasks that have not started (other workers can
   * run them now), lets the running ones finish and their results be written for a while,
   * then hands the rest back.
   */
  void drain() {
    pulling = false;
    // Not interrupted: a claim cut short may have leased tasks on the grid that this worker
    // never hears of, which would then wait for their leases to lapse. Woken instead, the
    // puller sees pulling = false and puts back what it took unclaimed.
    work.raise();
    room.raise();
    if (puller != null) {
      try {
        puller.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    int early = handBackHeld(held.values().stream().filter(entry -> entry.startedNanos == 0).map(entry -> entry.task.key()).toList());
    long deadline = System.currentTimeMillis() + config.drainSeconds() * 1000L;
    while (!held.isEmpty() && System.currentTimeMillis() < deadline) {
      pause(50);
    }
    int late = handBackHeld(new ArrayList<>(held.keySet()));
    executors.shutdownNow();
    writer.close(5000);
    LOG.info(() -> "drained: " + completed.get() + " tasks completed, " + (early + late) + " handed back ("
        + early + " not started, " + late + " still running at the drain deadline)");
  }

  private int handBackHeld(List<String> keys) {
    int count = 0;
    for (String key : keys) {
      HeldTask entry = held.get(key);
      if (entry != null) {
        entry.stop(DRAINING);
      }
      if (Boolean.TRUE.equals(grid.tasks().executeOnKey(key, new Requeue(id, Requeue.Reason.HANDED_BACK)))) {
        metrics.counter(MetricNames.TASKS_REQUEUED, "reason", "handed_back").increment();
        // Queued before the word goes out: a worker that looks on hearing it finds the key.
        grid.offer(key);
        node.vertx().eventBus().publish(Names.TASK_REQUEUED, new JsonObject().put("task", key).put("reason", Requeue.Reason.HANDED_BACK.name()).put("owner", id));
        count++;
      }
    }
    return count;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
