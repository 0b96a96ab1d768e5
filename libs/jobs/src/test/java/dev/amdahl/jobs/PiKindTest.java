package dev.amdahl.jobs;

import dev.amdahl.jobs.kinds.PiKind;
import dev.amdahl.jobs.kinds.PiKind.Hits;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PiKindTest {
  private static final PiKind KIND = new PiKind();

  @Test
  void fillsInTheDefaultSeed() {
    assertEquals(new JsonObject().put("samples", 1000L).put("seed", 42L),
        KIND.validate(new JsonObject().put("samples", 1000)));
  }

  @Test
  void estimatesPiWithinFiveStandardErrors() {
    JsonObject summary = SingleProcess.run(spec(10_000_000, 42, 8)).summary();
    double estimate = summary.getDouble("estimate");
    double standardError = 4 * Math.sqrt(Math.PI / 4 * (1 - Math.PI / 4) / 10_000_000);
    assertTrue(Math.abs(estimate - Math.PI) < 5 * standardError, "estimate " + estimate);
    assertEquals(10_000_000L, summary.getLong("samples"));
    assertEquals(4.0 * summary.getLong("inside") / 10_000_000, estimate);
  }

  @Test
  void sameSpecGivesBitIdenticalResultWhateverTheOrderAndRetries() throws Exception {
    JobSpec spec = spec(2_000_000, 7, 13);
    JobResult reference = SingleProcess.run(spec);
    List<JsonObject> tasks = KIND.split(spec.params(), spec.tasks());
    Random random = new Random(3);
    for (int round = 0; round < 5; round++) {
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < tasks.size(); i++) {
        order.add(i);
      }
      Collections.shuffle(order, random);
      // Every task runs once or twice, like a retry after a lost worker; one result counts.
      byte[][] partials = new byte[tasks.size()][];
      for (int i : order) {
        int runs = 1 + random.nextInt(2);
        for (int run = 0; run < runs; run++) {
          byte[] encoded = KIND.executeEncoded(spec.params(), tasks.get(i), Cancellation.NONE);
          if (partials[i] != null) {
            assertArrayEquals(partials[i], encoded, "a retried task gives the same partial");
          }
          partials[i] = encoded;
        }
      }
      List<byte[]> arrival = new ArrayList<>(List.of(partials));
      Collections.shuffle(arrival, random);
      JobResult result = KIND.finishEncoded(spec.params(), arrival);
      assertEquals(reference.summary(), result.summary());
      assertEquals(Double.doubleToRawLongBits(reference.summary().getDouble("estimate")),
          Double.doubleToRawLongBits(result.summary().getDouble("estimate")));
    }
  }

  @Test
  void resultDoesNotDependOnTheNumberOfTasks() {
    JsonObject one = SingleProcess.run(spec(1_000_003, 42, 1)).summary();
    for (int tasks : new int[] {2, 7, 64, 1000}) {
      assertEquals(one, SingleProcess.run(spec(1_000_003, 42, tasks)).summary(), tasks + " tasks");
    }
  }

  @Test
  void differentSeedsDrawDifferentPoints() {
    long a = SingleProcess.run(spec(1_000_000, 1, 4)).summary().getLong("inside");
    long b = SingleProcess.run(spec(1_000_000, 2, 4)).summary().getLong("inside");
    assertNotEquals(a, b);
  }

  @Test
  void acceptsAnySeedIncludingNegativeAndExtremes() {
    for (long seed : new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}) {
      long inside = SingleProcess.run(spec(100_000, seed, 3)).summary().getLong("inside");
      assertTrue(inside > 75_000 && inside < 82_000, "seed " + seed + " gave " + inside);
    }
  }

  @Test
  void splitSharesTheSamplesContiguouslyAndExactly() {
    for (long samples : new long[] {1, 5, 1000, 999_999_937L, PiKind.MAX_SAMPLES}) {
      JsonObject params = params(samples);
      for (int tasks : new int[] {1, 2, 3, 64, 1000, KIND.maxTasks(params)}) {
        List<JsonObject> split = KIND.split(params, tasks);
        assertEquals(tasks, split.size());
        long next = 0;
        for (JsonObject task : split) {
          assertEquals(next, task.getLong("first"));
          assertTrue(task.getLong("samples") >= (tasks <= samples ? 1 : 0));
          next += task.getLong("samples");
        }
        assertEquals(samples, next);
      }
    }
  }

  @Test
  void defaultAndMaxTasksFollowTheSamples() {
    assertEquals(1, KIND.defaultTasks(params(1000)));
    assertEquals(100, KIND.defaultTasks(params(1_000_000_000L)));
    assertEquals(256, KIND.defaultTasks(params(PiKind.MAX_SAMPLES)));
    assertEquals(5, KIND.maxTasks(params(5)));
    assertEquals(JobSpec.MAX_TASKS, KIND.maxTasks(params(PiKind.MAX_SAMPLES)));
  }

  @Test
  void mergeIsAssociativeAndCommutative() {
    Random random = new Random(2);
    for (int i = 0; i < 100; i++) {
      Hits a = randomHits(random);
      Hits b = randomHits(random);
      Hits c = randomHits(random);
      assertEquals(KIND.merge(a, b), KIND.merge(b, a));
      assertEquals(KIND.merge(KIND.merge(a, b), c), KIND.merge(a, KIND.merge(b, c)));
    }
  }

  @Test
  void codecRoundTripsHits() {
    Hits hits = new Hits(785_398_163L, 1_000_000_000L);
    assertEquals(hits, KIND.codec().decode(KIND.codec().encode(hits)));
  }

  @Test
  void rejectsBadParams() {
    assertSpecError("params.samples", "required", new JsonObject());
    assertSpecError("params.samples", "must be between 1 and 1000000000000", new JsonObject().put("samples", 0));
    assertSpecError("params.samples", "must be between 1 and 1000000000000",
        new JsonObject().put("samples", PiKind.MAX_SAMPLES + 1));
    assertSpecError("params.samples", "must be a whole number", new JsonObject().put("samples", 2.5));
    assertSpecError("params.samples", "must be a whole number", new JsonObject().put("samples", "many"));
    assertSpecError("params.seed", "must be a whole number", new JsonObject().put("samples", 10).put("seed", "x"));
    assertSpecError("params.seed", "must be a whole number that fits in 64 bits",
        new JsonObject("{\"samples\": 10, \"seed\": 18446744073709551616}"));
    assertSpecError("params.points", "unknown field; allowed: samples, seed",
        new JsonObject().put("samples", 10).put("points", 10));
  }

  @Test
  void cancelledTaskStopsPromptly() {
    JsonObject params = params(PiKind.MAX_SAMPLES);
    JsonObject task = KIND.split(params, 1).get(0);
    long start = System.nanoTime();
    assertThrows(CancelledException.class, () -> KIND.execute(params, task, () -> true));
    assertTrue(System.nanoTime() - start < 1_000_000_000L);
  }

  @Test
  void cancellationIsNoticedEveryMillionSamplesOrSo() {
    JsonObject params = params(PiKind.MAX_SAMPLES);
    JsonObject task = KIND.split(params, 1).get(0);
    AtomicInteger polls = new AtomicInteger();
    long start = System.nanoTime();
    assertThrows(CancelledException.class, () -> KIND.execute(params, task, () -> polls.incrementAndGet() > 2));
    assertEquals(3, polls.get());
    assertTrue(System.nanoTime() - start < 2_000_000_000L);
  }

  private static Hits randomHits(Random random) {
    long samples = random.nextInt(1_000_000) + 1;
    return new Hits((long) (samples * random.nextDouble()), samples);
  }

  private static JsonObject params(long samples) {
    return KIND.validate(new JsonObject().put("samples", samples));
  }

  private static JobSpec spec(long samples, long seed, int tasks) {
    return JobSpec.parse(new JsonObject().put("kind", "pi")
        .put("params", new JsonObject().put("samples", samples).put("seed", seed)).put("tasks", tasks));
  }

  private static void assertSpecError(String field, String rule, JsonObject params) {
    SpecException e = assertThrows(SpecException.class, () -> KIND.validate(params));
    assertEquals(field, e.field());
    assertEquals(rule, e.rule());
  }
}
