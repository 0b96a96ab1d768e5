package dev.amdahl.jobs.kinds;

import dev.amdahl.jobs.Cancellation;
import dev.amdahl.jobs.Codec;
import dev.amdahl.jobs.JobKind;
import dev.amdahl.jobs.JobResult;
import dev.amdahl.jobs.Params;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Synthetic work of a known duration, for watching scheduling and scaling: {@code tasks}
 * sleeps of {@code millis} each. With the default split every sleep is one task; a smaller
 * top-level {@code tasks} groups consecutive sleeps into one task.
 *
 * <p>It can also misbehave on purpose, to show what the cluster does about it:
 * {@code failRate} makes each attempt fail with that probability (retries heal it),
 * {@code failTask} makes task number N fail on every attempt (the job fails, with the whole
 * story), and {@code hangTask} makes task N ignore cancellation and interrupts for
 * {@code hangMillis} (the worker's steward has to replace the stuck thread).
 */
public final class SleepKind implements JobKind<SleepKind.Slept> {

  /** How many sleeps were done and for how long in all. */
  public record Slept(long sleeps, long millis) {
  }

  private static final Codec<Slept> CODEC = Codec.json(
      s -> new JsonObject().put("sleeps", s.sleeps()).put("millis", s.millis()),
      j -> new Slept(j.getLong("sleeps"), j.getLong("millis")));

  @Override
  public String name() {
    return "sleep";
  }

  @Override
  public JsonObject validate(JsonObject params) {
    Params p = Params.of(params, Set.of("tasks", "millis", "failRate", "failTask", "hangTask", "hangMillis"));
    p.intValue("tasks", 10, 1, 100_000);
    p.longValue("millis", 100L, 0, 600_000);
    p.doubleValue("failRate", 0.0, 0.0, 1.0);
    p.intValue("failTask", -1, -1, 100_000);
    p.intValue("hangTask", -1, -1, 100_000);
    p.longValue("hangMillis", 30_000L, 0, 600_000);
    return p.normalized();
  }

  /**
   * A job that fails, or hangs, task by task on purpose keeps one task per grid entry: a
   * group would fail as a whole (with {@code failRate} far more often than one task) and
   * its error would name the group, not the task.
   */
  @Override
  public boolean groupsTasks(JsonObject params) {
    return params.getDouble("failRate", 0.0) == 0.0 && params.getInteger("failTask", -1) < 0 && params.getInteger("hangTask", -1) < 0;
  }

  @Override
  public int defaultTasks(JsonObject params) {
    return params.getInteger("tasks");
  }

  @Override
  public int maxTasks(JsonObject params) {
    return params.getInteger("tasks");
  }

  @Override
  public List<JsonObject> split(JsonObject params, int tasks) {
    int sleeps = params.getInteger("tasks");
    List<JsonObject> out = new ArrayList<>(tasks);
    for (int i = 0; i < tasks; i++) {
      long first = (long) sleeps * i / tasks;
      long next = (long) sleeps * (i + 1) / tasks;
      out.add(new JsonObject().put("index", i).put("sleeps", next - first));
    }
    return out;
  }

  @Override
  public Slept execute(JsonObject params, JsonObject task, Cancellation cancellation) throws InterruptedException {
    int index = task.getInteger("index", -1);
    if (index == params.getInteger("failTask", -1)) {
      throw new IllegalStateException("task " + index + " always fails (failTask)");
    }
    if (ThreadLocalRandom.current().nextDouble() < params.getDouble("failRate", 0.0)) {
      throw new IllegalStateException("task " + index + " failed by chance (failRate " + params.getDouble("failRate") + ")");
    }
    if (index == params.getInteger("hangTask", -1)) {
      hangIgnoringCancellation(params.getLong("hangMillis", 30_000L));
    }
    long sleeps = task.getLong("sleeps");
    long total = sleeps * params.getLong("millis");
    long deadline = System.nanoTime() + total * 1_000_000L;
    for (long left = total; left > 0; left = (deadline - System.nanoTime()) / 1_000_000L) {
      cancellation.check();
      Thread.sleep(Math.min(left, 50));
    }
    return new Slept(sleeps, total);
  }

  // Deliberately deaf to cancellation and interrupts, like a stuck goroutine.
  private static void hangIgnoringCancellation(long millis) {
    long until = System.nanoTime() + millis * 1_000_000L;
    while (System.nanoTime() < until) {
      try {
        Thread.sleep(Math.max(1, (until - System.nanoTime()) / 1_000_000L));
      } catch (InterruptedException ignored) {
        // stuck on purpose
      }
    }
  }

  @Override
  public Slept merge(Slept a, Slept b) {
    return new Slept(a.sleeps() + b.sleeps(), a.millis() + b.millis());
  }

  @Override
  public JobResult finish(JsonObject params, Slept merged) {
    return JobResult.of(new JsonObject().put("sleeps", merged.sleeps()).put("millis", merged.millis()));
  }

  @Override
  public Codec<Slept> codec() {
    return CODEC;
  }
}
