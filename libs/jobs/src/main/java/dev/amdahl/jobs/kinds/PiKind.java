package dev.amdahl.jobs.kinds;

import dev.amdahl.jobs.Cancellation;
import dev.amdahl.jobs.Codec;
import dev.amdahl.jobs.JobKind;
import dev.amdahl.jobs.JobResult;
import dev.amdahl.jobs.JobSpec;
import dev.amdahl.jobs.Params;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Estimates pi by Monte Carlo: the share of {@code samples} random points of the unit
 * square that fall inside the quarter circle, times four.
 *
 * <p>The random numbers come from one SplitMix64 stream per {@code seed}. SplitMix64 is a
 * counter passed through a mixing function, so a task jumps straight to its first sample
 * and the job draws exactly the same points whatever the number of tasks, workers or
 * retries: the same seed and samples give a bit-identical answer.
 */
public final class PiKind implements JobKind<PiKind.Hits> {

  /** The most samples a job may draw: about an hour of one core. */
  public static final long MAX_SAMPLES = 1_000_000_000_000L;

  private static final long SAMPLES_PER_DEFAULT_TASK = 10_000_000L;
  private static final int MAX_DEFAULT_TASKS = 256;
  private static final long SAMPLES_BETWEEN_CHECKS = 1L << 20;

  // SplitMix64's increment: the odd integer nearest 2^64 / golden ratio.
  private static final long GAMMA = 0x9E3779B97F4A7C15L;
  private static final double UNIT = 0x1.0p-53;

  /** Points inside the quarter circle, out of all points drawn. */
  public record Hits(long inside, long samples) {
  }

  private static final Codec<Hits> CODEC = Codec.json(
      h -> new JsonObject().put("inside", h.inside()).put("samples", h.samples()),
      j -> new Hits(j.getLong("inside"), j.getLong("samples")));

  @Override
  public String name() {
    return "pi";
  }

  @Override
  public JsonObject validate(JsonObject params) {
    Params p = Params.of(params, Set.of("samples", "seed"));
    p.longValue("samples", null, 1, MAX_SAMPLES);
    p.longValue("seed", 42L, Long.MIN_VALUE, Long.MAX_VALUE);
    return p.normalized();
  }

  @Override
  public int defaultTasks(JsonObject params) {
    long tasks = params.getLong("samples") / SAMPLES_PER_DEFAULT_TASK;
    return (int) Math.max(1, Math.min(MAX_DEFAULT_TASKS, tasks));
  }

  @Override
  public int maxTasks(JsonObject params) {
    return (int) Math.min(JobSpec.MAX_TASKS, params.getLong("samples"));
  }

  /** Task i draws samples [samples * i / tasks, samples * (i + 1) / tasks) of the stream. */
  @Override
  public List<JsonObject> split(JsonObject params, int tasks) {
    long samples = params.getLong("samples");
    List<JsonObject> out = new ArrayList<>(tasks);
    for (int i = 0; i < tasks; i++) {
      long first = samples * i / tasks;
      long next = samples * (i + 1) / tasks;
      out.add(new JsonObject().put("first", first).put("samples", next - first));
    }
    return out;
  }

  @Override
  public Hits execute(JsonObject params, JsonObject task, Cancellation cancellation) {
    long samples = task.getLong("samples");
    // Each sample takes two numbers; wrapping around 2^64 is part of SplitMix64.
    long state = mix(params.getLong("seed")) + 2 * task.getLong("first") * GAMMA;
    long inside = 0;
    for (long done = 0; done < samples; ) {
      cancellation.check();
      long batch = Math.min(SAMPLES_BETWEEN_CHECKS, samples - done);
      for (long k = 0; k < batch; k++) {
        state += GAMMA;
        double x = unit(mix(state));
        state += GAMMA;
        double y = unit(mix(state));
        if (x * x + y * y <= 1.0) {
          inside++;
        }
      }
      done += batch;
    }
    return new Hits(inside, samples);
  }

  @Override
  public Hits merge(Hits a, Hits b) {
    return new Hits(a.inside() + b.inside(), a.samples() + b.samples());
  }

  @Override
  public JobResult finish(JsonObject params, Hits merged) {
    double estimate = 4.0 * merged.inside() / merged.samples();
    return JobResult.of(new JsonObject()
        .put("inside", merged.inside())
        .put("samples", merged.samples())
        .put("estimate", estimate)
        .put("error", Math.abs(estimate - Math.PI)));
  }

  @Override
  public Codec<Hits> codec() {
    return CODEC;
  }

  /** SplitMix64's finalizer: spreads every input bit over the whole output. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The top 53 bits as a double in [0, 1), exactly as precise as a double allows. */
  private static double unit(long bits) {
    return (bits >>> 11) * UNIT;
  }
}
