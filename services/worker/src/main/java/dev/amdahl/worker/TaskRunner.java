package dev.amdahl.worker;

import dev.amdahl.jobs.CancelledException;
import dev.amdahl.jobs.JobKind;
import dev.amdahl.jobs.JobKinds;
import dev.amdahl.node.Logs;
import dev.amdahl.node.MetricNames;
import dev.amdahl.node.Names;
import dev.amdahl.node.NodeRuntime;
import dev.amdahl.node.grid.Claim;
import dev.amdahl.node.grid.Complete;
import dev.amdahl.node.grid.Fail;
import dev.amdahl.node.grid.Grid;
import dev.amdahl.node.grid.Renew;
import dev.amdahl.node.grid.Requeue;
import dev.amdahl.node.grid.TaskEntry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
 */
final class TaskRunner {
  private static final Logger LOG = Logs.logger(TaskRunner.class);

  private final NodeRuntime node;
  private final Grid grid;
  private final WorkerConfig config;
  private final String id;
  private final ExecutorService executors;
  private final Semaphore slots;
  private final Map<String, Held> held = new ConcurrentHashMap<>();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong failedAttempts = new AtomicLong();
  private final AtomicLong discarded = new AtomicLong();
  private final MeterRegistry metrics;
  private final ResultFormat resultFormat;
  private volatile boolean pulling = true;
  private Thread puller;

  /** A task this worker holds: claimed, and running or about to. */
  private static final class Held implements dev.amdahl.jobs.Cancellation {
    final TaskEntry task;
    volatile Future<?> future;
    volatile String cancelReason;

    Held(TaskEntry task) {
      this.task = task;
    }

    @Override
    public boolean isCancelled() {
      return cancelReason != null;
    }

    void cancel(String reason) {
      cancelReason = reason;
      Future<?> running = future;
      if (running != null) {
        running.cancel(true);
      }
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
    this.executors = Executors.newFixedThreadPool(config.threads(), runnable -> {
      Thread thread = new Thread(runnable, "amdahl-task-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    this.slots = new Semaphore(config.maxHeld());
    metrics.gauge(MetricNames.TASKS_IN_FLIGHT, held, Map::size);
  }

  void start() {
    node.vertx().eventBus().<JsonObject>consumer(Names.JOB_STOPPED,
        message -> stopJob(message.body().getString("jobId"), message.body().getString("reason", "job stopped")));
    node.scheduler().scheduleAtFixedRate(this::renewLeases, config.pulseMillis(), config.pulseMillis(), TimeUnit.MILLISECONDS);
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
        .put("threads", config.threads())
        .put("resultFormat", config.resultFormat());
  }

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
    if (keys.isEmpty()) {
      return 0;
    }
    Map<String, TaskEntry> claimed = grid.tasks().executeOnKeys(new HashSet<>(keys), new Claim(id, config.leaseMillis()));
    int started = 0;
    for (TaskEntry task : claimed.values()) {
      if (task == null) {
        continue;
      }
      Held entry = new Held(task);
      held.put(task.key(), entry);
      metrics.counter(MetricNames.TASKS_CLAIMED, "kind", task.getKind()).increment();
      entry.future = executors.submit(() -> run(entry));
      started++;
    }
    return started;
  }

  // Keys taken off a queue while draining are still QUEUED in the grid: put them back.
  private int handBackUnclaimed(List<String> keys) {
    keys.forEach(grid::offer);
    return 0;
  }

  private void run(Held entry) {
    TaskEntry task = entry.task;
    long start = System.nanoTime();
    try {
      JobKind<?> kind = JobKinds.get(task.getKind());
      byte[] result = resultFormat.write(kind.executeEncoded(new JsonObject(task.getParams()), new JsonObject(task.getInput()), entry));
      slowDown(start, entry);
      long nanos = System.nanoTime() - start;
      Timer.builder(MetricNames.TASK_DURATION).tag("kind", task.getKind()).publishPercentileHistogram()
          .register(metrics).record(nanos, TimeUnit.NANOSECONDS);
      Complete.Outcome outcome = grid.tasks().executeOnKey(task.key(), new Complete(id, result, nanos / 1000));
      record(task, outcome.name().toLowerCase(java.util.Locale.ROOT));
      if (outcome == Complete.Outcome.ACCEPTED) {
        completed.incrementAndGet();
        node.vertx().eventBus().publish(Names.TASK_DONE, new JsonObject()
            .put("jobId", task.getJobId()).put("index", task.getIndex()).put("node", id)
            .put("version", config.node().version()).put("micros", nanos / 1000));
      } else {
        discarded.incrementAndGet();
      }
    } catch (CancelledException | InterruptedException e) {
      record(task, "cancelled");
    } catch (Throwable e) {
      if (entry.isCancelled()) {
        record(task, "cancelled");
      } else {
        fail(task, e);
      }
    } finally {
      held.remove(task.key());
      slots.release();
    }
  }

  private void slowDown(long start, Held entry) throws InterruptedException {
    if (config.slowdown() <= 1.0) {
      return;
    }
    long extraMillis = (long) ((System.nanoTime() - start) / 1e6 * (config.slowdown() - 1.0));
    long until = System.currentTimeMillis() + extraMillis;
    for (long left = extraMillis; left > 0; left = until - System.currentTimeMillis()) {
      entry.check();
      Thread.sleep(Math.min(left, 50));
    }
  }

  private void fail(TaskEntry task, Throwable cause) {
    failedAttempts.incrementAndGet();
    record(task, "failed");
    String error = describeFailure(task, cause).encode();
    LOG.log(Level.WARNING, "task " + task.key() + " attempt " + task.getAttempt() + " failed: " + cause);
    String state = grid.tasks().executeOnKey(task.key(), new Fail(id, error));
    if (TaskEntry.QUEUED.equals(state)) {
      metrics.counter(MetricNames.TASKS_RETRIED, "kind", task.getKind()).increment();
      long backoff = Math.min(5_000, 100L << Math.min(6, task.getAttempt()));
      node.scheduler().schedule(() -> grid.offer(task.key()), backoff, TimeUnit.MILLISECONDS);
    } else if (TaskEntry.FAILED.equals(state)) {
      node.vertx().eventBus().publish(Names.TASK_FAILED, new JsonObject()
          .put("jobId", task.getJobId()).put("index", task.getIndex()).put("error", new JsonObject(error)));
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

  private void stopJob(String jobId, String reason) {
    held.values().stream()
        .filter(entry -> entry.task.getJobId().equals(jobId))
        .forEach(entry -> entry.cancel(reason));
  }

  // The pulse: extend every held lease; a task whose lease was lost runs elsewhere now.
  private void renewLeases() {
    if (held.isEmpty()) {
      return;
    }
    try {
      Map<String, Boolean> renewed = grid.tasks().executeOnKeys(new HashSet<>(held.keySet()), new Renew(id, config.leaseMillis()));
      renewed.forEach((key, mine) -> {
        Held entry = held.get(key);
        if (!mine && entry != null) {
          entry.cancel("lease lost");
        }
      });
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not renew leases: " + e);
    }
  }

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
        entry.cancel("worker draining");
      }
      if (Boolean.TRUE.equals(grid.tasks().executeOnKey(key, new Requeue(id, Requeue.Reason.HANDED_BACK)))) {
        metrics.counter(MetricNames.TASKS_REQUEUED, "reason", "handed_back").increment();
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
