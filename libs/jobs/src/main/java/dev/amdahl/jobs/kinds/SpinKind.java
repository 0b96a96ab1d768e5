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

/**
 * Pure CPU work of a known size, for measuring efficiency and scaling: {@code tasks}
 * tasks of {@code iterations} rounds of an integer mix each. The work is deterministic
 * (the checksum depends only on the params), so a result proves the work was done, and a
 * calibration of iterations per millisecond turns it into tasks of a chosen duration.
 */
public final class SpinKind implements JobKind<SpinKind.Spun> {
  private static final int POLL_EVERY = 1 << 16;

  /** How many tasks ran, how many rounds in all, and the xor of their checksums. */
  public record Spun(long tasks, long iterations, long checksum) {
  }

  private static final Codec<Spun> CODEC = Codec.json(
      s -> new JsonObject().put("tasks", s.tasks()).put("iterations", s.iterations()).put("checksum", s.checksum()),
      j -> new Spun(j.getLong("tasks"), j.getLong("iterations"), j.getLong("checksum")));

  @Override
  public String name() {
    return "spin";
  }

  @Override
  public JsonObject validate(JsonObject params) {
    Params p = Params.of(params, Set.of("tasks", "iterations"));
    p.intValue("tasks", 10, 1, 100_000);
    p.longValue("iterations", 1_000_000L, 0, 1_000_000_000_000L);
    return p.normalized();
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
    int spins = params.getInteger("tasks");
    List<JsonObject> out = new ArrayList<>(tasks);
    for (int i = 0; i < tasks; i++) {
      long first = (long) spins * i / tasks;
      long next = (long) spins * (i + 1) / tasks;
      out.add(new JsonObject().put("index", i).put("first", first).put("spins", next - first));
    }
    return out;
  }

  @Override
  public Spun execute(JsonObject params, JsonObject task, Cancellation cancellation) {
    long iterations = params.getLong("iterations");
    long first = task.getLong("first", 0L);
    long spins = task.getLong("spins");
    long checksum = 0;
    for (long s = first; s < first + spins; s++) {
      checksum ^= spin(s, iterations, cancellation);
    }
    return new Spun(spins, spins * iterations, checksum);
  }

  /** {@code iterations} rounds of a 64-bit mix seeded by {@code seed}; the JIT cannot skip them. */
  public static long spin(long seed, long iterations, Cancellation cancellation) {
    long x = seed * 0x9E3779B97F4A7C15L + 1;
    for (long i = 0; i < iterations; i++) {
      x ^= x >>> 31;
      x *= 0xBF58476D1CE4E5B9L;
      x ^= x >>> 29;
      if ((i & (POLL_EVERY - 1)) == 0) {
        cancellation.check();
      }
    }
    return x;
  }

  @Override
  public Spun merge(Spun a, Spun b) {
    return new Spun(a.tasks() + b.tasks(), a.iterations() + b.iterations(), a.checksum() ^ b.checksum());
  }

  @Override
  public JobResult finish(JsonObject params, Spun merged) {
    return JobResult.of(new JsonObject().put("tasks", merged.tasks()).put("iterations", merged.iterations())
        .put("checksum", Long.toHexString(merged.checksum())));
  }

  @Override
  public Codec<Spun> codec() {
    return CODEC;
  }
}
