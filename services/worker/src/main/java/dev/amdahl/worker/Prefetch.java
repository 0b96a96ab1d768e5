package dev.amdahl.worker;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many tasks of a job a worker holds ahead of its threads: Little's law, per job.
 *
 * <p>Refilling takes one pull (draining the queues and claiming: round trips to the grid) of
 * latency {@code L}. While it is under way, {@code T} threads finish {@code T × L / t} tasks
 * of duration {@code t}; a worker that holds fewer than that beyond its running tasks leaves
 * threads idle, waiting on the network. So a job whose tasks are short gets a deep window
 * (hundreds of no-op tasks), and a job of long tasks, or one not measured yet, gets the
 * shallow {@code base} window: holding more of those would only starve the other workers
 * and leave more behind when this one goes.
 *
 * <p>Every pull and every result write is a round trip whatever it carries, so a job of short
 * tasks also gets at least {@link #BATCH_MICROS} of work per thread, and the worker pulls
 * only once half of what it holds ahead has run: a 10 ms task then travels with several
 * others instead of costing its own claim, write and event. When every job in progress has
 * tasks far longer than a pull ({@link #LONG_PULLS} pulls or more), the worker pulls only once
 * nothing is left waiting: each running task still has ample time left for the pull, and the
 * threads' next tasks share one drain and one claim instead of paying one each.
 *
 * <p>A pull costs about the same whether it brings one task or several (most of it is thread
 * wake-ups and socket calls), so while the queues have {@linkplain #plenty(boolean) plenty} a
 * job of long tasks holds two waiting tasks per thread instead of one, pulled together: half
 * the pulls. Near a job's end, once a queue comes up short, it holds one again: a task held
 * here but not started is one that an idle worker cannot take, and the end of a job spread
 * over several workers would wait for it.
 *
 * <p>Both latencies are moving averages of what this worker measured. Thread-safe.
 */
final class Prefetch {
  /** A job not measured for this long has ended or stalled; its estimate no longer counts (in case its end was missed). */
  private static final long STALE_NANOS = 30_000_000_000L;
  /** Weight of a new measurement in the moving averages. */
  private static final double ALPHA = 0.2;
  /** Hold tasks for this many pulls, not one: pulls vary, and a late one must not idle a thread. */
  private static final double PULLS_AHEAD = 2.0;
  /** At least this much work per thread of a short-task job is held, so that calls carry several tasks. */
  static final double BATCH_MICROS = 50_000;
  /** A task that lasts this many pulls is long: its window is refilled only once empty. */
  static final double LONG_PULLS = 10;

  private final int threads;
  private final int base;
  private final int max;
  private volatile double pullMicros = -1;
  private volatile boolean plenty;
  private final Map<String, Estimate> taskMicros = new ConcurrentHashMap<>();

  /** A job's moving average task length, and when it was last measured. */
  private record Estimate(double micros, long atNanos) {
  }

  /**
   * @param threads tasks run at once
   * @param base    tasks held of a job whose task length is unknown or long (at least one)
   * @param max     tasks held at most, of all jobs together
   */
  Prefetch(int threads, int base, int max) {
    this.threads = threads;
    this.max = Math.max(1, max);
    this.base = Math.max(1, Math.min(base, this.max));
  }

  /** Tasks of {@code jobId} this worker may hold, running or waiting. */
  int limit(String jobId) {
    Estimate t = taskMicros.get(jobId);
    double pull = pullMicros;
    if (t == null || pull < 0) {
      return base;
    }
    double micros = Math.max(1.0, t.micros());
    double ahead = Math.ceil(threads * Math.max(PULLS_AHEAD * pull, BATCH_MICROS) / micros);
    int limit = (int) Math.min(max, Math.max(base, threads + ahead));
    if (plenty && micros >= LONG_PULLS * pull) {
      limit = Math.min(max, Math.max(limit, base + threads));
    }
    return limit;
  }

  /**
   * The window as it stands now: the deepest window of a job in progress, and how much of it
   * must be free for a pull (at least half of what it holds ahead of the threads, or all of it
   * when every job's tasks are long).
   */
  record Window(int deepest, int pullAt) {
    /** Tasks worth pulling when {@code held} are held; 0 until enough of the window is free. */
    int room(int held) {
      int free = deepest - held;
      return free >= pullAt ? free : 0;
    }

    /** How many of the held tasks must still end before there is {@link #room}; 0 if there is now. */
    int endsShortOfRoom(int held) {
      return Math.max(0, pullAt - (deepest - held));
    }
  }

  /** The window now; a job whose estimate went stale no longer shapes it. */
  Window window() {
    int deepest = base;
    long now = System.nanoTime();
    taskMicros.values().removeIf(t -> now - t.atNanos() > STALE_NANOS);
    double pull = pullMicros;
    boolean allLong = !taskMicros.isEmpty() && pull >= 0;
    for (Map.Entry<String, Estimate> job : taskMicros.entrySet()) {
      deepest = Math.max(deepest, limit(job.getKey()));
      allLong &= job.getValue().micros() >= LONG_PULLS * pull;
    }
    int ahead = deepest - threads;
    return new Window(deepest, Math.max(1, allLong ? ahead : ahead / 2));
  }

  /**
   * Whether the queues have plenty: none has come up short since the last word of queued
   * tasks, so no job is near its end, and jobs of long tasks may hold a deeper window (see the
   * class comment).
   */
  void plenty(boolean queuesHavePlenty) {
    plenty = queuesHavePlenty;
  }

  /** A pull (drain and claim) took {@code micros}. */
  void pulled(long micros) {
    double previous = pullMicros;
    pullMicros = previous < 0 ? micros : previous + ALPHA * (micros - previous);
  }

  /** A task of {@code jobId} ran for {@code micros}. */
  void ran(String jobId, long micros) {
    long now = System.nanoTime();
    taskMicros.merge(jobId, new Estimate(micros, now),
        (previous, latest) -> new Estimate(previous.micros() + ALPHA * (latest.micros() - previous.micros()), now));
  }

  /** The job ended: its tasks no longer shape the window. */
  void forget(String jobId) {
    taskMicros.remove(jobId);
  }

  double pullMicros() {
    return pullMicros;
  }
}
