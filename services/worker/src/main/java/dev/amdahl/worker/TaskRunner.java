package dev.amdahl.worker;

import dev.amdahl.jobs.Cancellation;
import dev.amdahl.jobs.CancelledException;
import dev.amdahl.jobs.JobKind;
import dev.amdahl.jobs.JobKinds;
import dev.amdahl.node.Logs;
import dev.amdahl.node.MetricNames;
import dev.amdahl.node.Names;
import dev.amdahl.node.NodeRuntime;
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
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
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
 * <p>One thread pulls: it waits for a free slot, drains task keys from the pending queues
 * (starting at a rotating shard, so workers spread over them), and claims them in one call.
 * A fixed pool runs the claimed tasks; each result is offered to the grid, where the first
 * one for a task wins. A faster worker frees its slots sooner and so pulls more; a new worker
 * pulls as soon as it has joined.
 *
 * <p>A steward watches the running tasks: it stops a task past its timeout, and replaces an
 * executor thread whose task ignores being stopped. When it cannot (more stuck threads than
 * it may replace), the worker's liveness check fails so that its runtime restarts it.
 */
final class TaskRunner {
  private static final Logger LOG = Logs.logger(TaskRunner.class);
  private static final long STUCK_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

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
  private final Semaphore slots;
  private final Map<String, Held> held = new ConcurrentHashMap<>();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong failedAttempts = new AtomicLong();
  private final AtomicLong discarded = new AtomicLong();
  private final AtomicInteger stuck = new AtomicInteger();
  private final MeterRegistry metrics;
  private final Counter wasted;
  private final ResultFormat resultFormat;
  private volatile boolean pulling = true;
  private Thread puller;

  /** A task this worker holds: claimed, and running or about to. */
  private static final class Held implements Cancellation {
    final TaskEntry task;
    final boolean replica;
    final AtomicBoolean released = new AtomicBoolean();
    final long claimedNanos = System.nanoTime();
    private Thread thread;
    volatile long startedNanos;
    volatile String stopReason;
    volatile long stoppedNanos;
    volatile boolean abandoned;

    Held(TaskEntry task, boolean replica) {
      this.task = task;
      this.replica = replica;
    }

    @Override
    public boolean isCancelled() {
      return stopReason != null;
    }

    /**
     * Asks the attempt to stop: the task code notices at its next check, and a running thread
     * is interrupted. A task not started yet still runs, sees that it was stopped, and ends.
     */
    synchronized void stop(String reason) {
      if (stopReason == null) {
        stopReason = reason;
        stoppedNanos = System.nanoTime();
      }
      if (thread != null) {
        thread.interrupt();
      }
    }

    synchronized void running(Thread current) {
      thread = current;
      startedNanos = System.nanoTime();
    }

    // Under the lock, so that stop() never interrupts the pool thread's next task.
    synchronized void ended() {
      thread = null;
    }

    synchronized boolean isRunning() {
      return thread != null;
    }

    long elapsedNanos() {
      return startedNanos == 0 ? 0 : System.nanoTime() - startedNanos;
    }
  }

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
    this.slots = new Semaphore(config.maxHeld());
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
    node.scheduler().scheduleAtFixedRate(this::renewLeases, config.pulseMillis(), config.pulseMillis(), TimeUnit.MILLISECONDS);
    node.scheduler().scheduleAtFixedRate(this::steward, 200, 200, TimeUnit.MILLISECONDS);
    node.livenessCheck(this::livenessProblem);
    puller = new Thread(this::pullLoop, "amdahl-puller");
    puller.setDaemon(true);
    puller.start();
  }

  JsonObject describe() {
    return new JsonObject()
        .put("completed", completed.get())
        .put("inFlight", held.size())
        .put("failed", failedAttempts.get())
        .put("discarded", discarded.get())
        .put("stuck", stuck.get())
        .put("threads", config.threads())
        .put("slowdown", config.slowdown())
        .put("resultFormat", config.resultFormat());
  }

  // ---- pulling

  private void pullLoop() {
    int shard = ThreadLocalRandom.current().nextInt(Names.QUEUE_SHARDS);
    while (pulling) {
      int free = 0;
      int started = 0;
      try {
        slots.acquire();
        free = 1 + slots.drainPermits();
        List<String> keys = take(shard, free);
        shard = (shard + 1) % Names.QUEUE_SHARDS;
        started = pulling ? claimAndRun(keys) : handBackUnclaimed(keys);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        if (pulling) {
          // Claimed tasks we never heard of come back when their leases expire.
          LOG.log(Level.WARNING, "pulling tasks failed; retrying", e);
          pause(500);
        }
      } finally {
        slots.release(free - started);
      }
    }
  }

  private List<String> take(int firstShard, int max) throws InterruptedException {
    List<String> keys = new ArrayList<>(max);
    for (int i = 0; i < Names.QUEUE_SHARDS && keys.size() < max; i++) {
      grid.pending((firstShard + i) % Names.QUEUE_SHARDS).drainTo(keys, max - keys.size());
    }
    if (keys.isEmpty()) {
      String key = grid.pending(firstShard).poll(200, TimeUnit.MILLISECONDS);
      if (key != null) {
        keys.add(key);
      }
    }
    return keys;
  }

  private int claimAndRun(List<String> keys) {
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
      started += runAll(grid.tasks().executeOnKeys(tasks, new Claim(id, config.leaseMillis())), false);
    }
    if (!replicas.isEmpty()) {
      started += runAll(grid.tasks().executeOnKeys(replicas, new ClaimReplica(id, config.leaseMillis())), true);
    }
    return started;
  }

  private int runAll(Map<String, TaskEntry> claimed, boolean replica) {
    int started = 0;
    for (TaskEntry task : claimed.values()) {
      if (task == null) {
        continue;
      }
      Held entry = new Held(task, replica);
      held.put(task.key(), entry);
      metrics.counter(MetricNames.TASKS_CLAIMED, "kind", task.getKind()).increment();
      executors.execute(() -> run(entry));
      started++;
    }
    return started;
  }

  // Keys taken off a queue while draining are still QUEUED in the grid: put them back.
  private int handBackUnclaimed(List<String> keys) {
    keys.forEach(grid::offer);
    return 0;
  }

  // ---- running

  private void run(Held entry) {
    TaskEntry task = entry.task;
    entry.running(Thread.currentThread());
    try {
      renew(entry);
      JobKind<?> kind = JobKinds.get(task.getKind());
      byte[] result = resultFormat.write(kind.executeEncoded(new JsonObject(task.getParams()), new JsonObject(task.getInput()), entry));
      slowDown(entry);
      long nanos = entry.elapsedNanos();
      Timer.builder(MetricNames.TASK_DURATION).tag("kind", task.getKind()).publishPercentileHistogram()
          .description("How long one task took to execute").register(metrics).record(nanos, TimeUnit.NANOSECONDS);
      offerResult(entry, result, nanos);
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
      Thread.interrupted();
      if (entry.abandoned) {
        resizePool(-1);
        stuck.decrementAndGet();
        LOG.info(() -> "the stuck task " + task.key() + " finally returned; its thread is retired");
      }
      release(entry);
    }
  }

  private void offerResult(Held entry, byte[] result, long nanos) {
    TaskEntry task = entry.task;
    Complete.Outcome outcome = grid.tasks().executeOnKey(task.key(), new Complete(id, result, nanos / 1000));
    record(task, outcome.name().toLowerCase(Locale.ROOT));
    if (outcome == Complete.Outcome.ACCEPTED) {
      completed.incrementAndGet();
      node.vertx().eventBus().publish(Names.TASK_DONE, new JsonObject()
          .put("jobId", task.getJobId()).put("index", task.getIndex()).put("key", task.key())
          .put("node", id).put("version", config.node().version())
          .put("micros", nanos / 1000).put("replica", entry.replica));
    } else {
      discarded.incrementAndGet();
      wasted.increment(nanos / 1e9);
    }
  }

  /** A task attempt stopped on request; a timeout counts as a failed attempt. */
  private void stopped(Held entry) {
    String reason = entry.stopReason == null ? JOB_ENDED : entry.stopReason;
    metrics.counter(MetricNames.TASKS_CANCELLED, "reason", reason).increment();
    if (reason.equals(TIMEOUT) && !entry.abandoned) {
      fail(entry, new TimeoutException("task " + entry.task.key() + " ran past its timeout of "
          + entry.task.getTaskTimeoutMillis() + " ms and was stopped"));
    } else if (reason.equals(SUPERSEDED)) {
      wasted.increment(entry.elapsedNanos() / 1e9);
    }
  }

  private void slowDown(Held entry) throws InterruptedException {
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
  private void fail(Held entry, Throwable cause) {
    TaskEntry task = entry.task;
    failedAttempts.incrementAndGet();
    record(task, "failed");
    JsonObject error = describeFailure(task, cause);
    LOG.log(Level.WARNING, "task " + task.key() + " attempt " + task.getAttempt() + " failed: " + error.encode());
    String state = grid.tasks().executeOnKey(task.key(), new Fail(id, error.encode()));
    if (TaskEntry.QUEUED.equals(state)) {
      metrics.counter(MetricNames.TASKS_RETRIED, "kind", task.getKind()).increment();
      node.vertx().eventBus().publish(Names.TASK_RETRIED, new JsonObject().put("jobId", task.getJobId()).put("index", task.getIndex()).put("node", id).put("attempt", task.getAttempt()).put("cause", String.valueOf(cause)));
      long backoff = Math.min(5_000, 100L << Math.min(6, task.getAttempt()));
      node.scheduler().schedule(() -> grid.offer(task.key()), backoff, TimeUnit.MILLISECONDS);
    } else if (TaskEntry.FAILED.equals(state)) {
      node.vertx().eventBus().publish(Names.TASK_FAILED, new JsonObject()
          .put("jobId", task.getJobId()).put("index", task.getIndex()).put("error", error));
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
    metrics.counter(MetricNames.TASKS_COMPLETED, "kind", task.getKind(), "outcome", outcome).increment();
  }

  private void release(Held entry) {
    if (entry.released.compareAndSet(false, true)) {
      held.remove(entry.task.key(), entry);
      slots.release();
    }
  }

  // ---- being told to stop

  private void stopJob(JsonObject event) {
    String reason = switch (event.getString("reason", "")) {
      case "user" -> USER;
      case "deadline" -> DEADLINE;
      default -> JOB_ENDED;
    };
    String jobId = event.getString("jobId");
    held.values().stream().filter(entry -> entry.task.getJobId().equals(jobId)).forEach(entry -> entry.stop(reason));
  }

  private void supersede(JsonObject event) {
    Held entry = held.get(event.getString("key"));
    if (entry != null && !id.equals(event.getString("winner"))) {
      entry.stop(SUPERSEDED);
    }
  }

  // ---- the pulse and the steward

  /** The pulse: extend every held lease; a task whose lease was lost runs elsewhere now. */
  private void renewLeases() {
    if (held.isEmpty()) {
      return;
    }
    try {
      Map<String, Boolean> renewed = grid.tasks().executeOnKeys(new HashSet<>(held.keySet()), new Renew(id, config.leaseMillis()));
      renewed.forEach((key, mine) -> {
        Held entry = held.get(key);
        if (!mine && entry != null) {
          entry.stop(LEASE_LOST);
        }
      });
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not renew leases: " + e);
    }
  }

  // A task that waited in this worker's buffer starts with a fresh lease; one just claimed has it.
  private void renew(Held entry) {
    if (System.nanoTime() - entry.claimedNanos < TimeUnit.MILLISECONDS.toNanos(config.pulseMillis())) {
      return;
    }
    if (!Boolean.TRUE.equals(grid.tasks().executeOnKey(entry.task.key(), new Renew(id, config.leaseMillis())))) {
      entry.stop(LEASE_LOST);
    }
  }

  private void steward() {
    long now = System.nanoTime();
    for (Held entry : held.values()) {
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
  private void replaceStuckThread(Held entry) {
    entry.abandoned = true;
    stuck.incrementAndGet();
    resizePool(+1);
    metrics.counter(MetricNames.EXECUTORS_REPLACED).increment();
    LOG.warning(() -> "task " + entry.task.key() + " ignored being stopped (" + entry.stopReason
        + ") for 2 s: its thread is replaced; " + stuck.get() + " stuck");
    if (TIMEOUT.equals(entry.stopReason)) {
      fail(entry, new TimeoutException("task " + entry.task.key() + " ran past its timeout of "
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

  /** Stops pulling, lets held tasks finish for a while, then hands the rest back. */
  void drain() {
    pulling = false;
    if (puller != null) {
      puller.interrupt();
    }
    long deadline = System.currentTimeMillis() + config.drainSeconds() * 1000L;
    while (!held.isEmpty() && System.currentTimeMillis() < deadline) {
      pause(50);
    }
    List<String> left = new ArrayList<>(held.keySet());
    for (String key : left) {
      Held entry = held.get(key);
      if (entry != null) {
        entry.stop(DRAINING);
      }
      if (Boolean.TRUE.equals(grid.tasks().executeOnKey(key, new Requeue(id, Requeue.Reason.HANDED_BACK)))) {
        metrics.counter(MetricNames.TASKS_REQUEUED, "reason", "handed_back").increment();
        node.vertx().eventBus().publish(Names.TASK_REQUEUED, new JsonObject().put("task", key).put("reason", Requeue.Reason.HANDED_BACK.name()).put("owner", id));
        grid.offer(key);
      }
    }
    executors.shutdownNow();
    LOG.info(() -> "drained: " + completed.get() + " tasks completed, " + left.size() + " handed back");
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
