package dev.amdahl.jobs;

import dev.amdahl.jobs.kinds.PrimesKind;
import dev.amdahl.jobs.kinds.PrimesKind.Counted;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrimesKindTest {
  private static final PrimesKind KIND = new PrimesKind();

  @Test
  void countsKnownSmallValues() {
    assertEquals(25, count(0, 100));
    assertEquals(25, count(1, 100));
    assertEquals(0, count(0, 0));
    assertEquals(0, count(0, 1));
    assertEquals(0, count(1, 1));
    assertEquals(1, count(2, 2));
    assertEquals(1, count(3, 3));
    assertEquals(0, count(4, 4));
    assertEquals(2, count(2, 3));
    assertEquals(168, count(0, 1000));
  }

  @Test
  void countsPrimesBelowTenMillionExactly() {
    assertEquals(664_579, count(0, 10_000_000));
  }

  @Test
  void countsPrimesBelowHundredMillionExactlyWhateverTheSplit() {
    assertEquals(5_761_455, run(0, 100_000_000, 1));
    assertEquals(5_761_455, run(0, 100_000_000, 37));
  }

  @Test
  void agreesWithPlainSieveOnRangesCrossingSegmentBoundaries() {
    int limit = 20_000_000;
    int[] below = primesAtOrBelow(limit);
    Random random = new Random(7);
    List<long[]> ranges = new ArrayList<>(List.of(
        new long[] {0, limit}, new long[] {4_194_303, 4_194_307}, new long[] {8_388_000, 8_389_000},
        new long[] {9, 9}, new long[] {8, 9}, new long[] {3, 4_194_304 * 2 + 1}));
    for (int i = 0; i < 20; i++) {
      long a = random.nextInt(limit + 1);
      long b = random.nextInt(limit + 1);
      ranges.add(new long[] {Math.min(a, b), Math.max(a, b)});
    }
    for (int i = 0; i < 200; i++) {
      long a = random.nextInt(3000);
      ranges.add(new long[] {a, a + random.nextInt(200)});
    }
    for (long[] range : ranges) {
      long expected = below[(int) range[1]] - (range[0] == 0 ? 0 : below[(int) range[0] - 1]);
      assertEquals(expected, count(range[0], range[1]), () -> "primes in [" + range[0] + ", " + range[1] + "]");
    }
  }

  @Test
  void agreesWithProbablePrimeTestNearTheUpperLimit() {
    long to = PrimesKind.MAX_TO;
    long from = to - 20_000;
    long expected = 0;
    for (long n = from; n <= to; n++) {
      if (BigInteger.valueOf(n).isProbablePrime(40)) {
        expected++;
      }
    }
    assertEquals(expected, count(from, to));
    assertEquals(expected, run(from, to, 9));
  }

  @Test
  void splitCoversTheRangeExactlyWithoutOverlap() {
    long[][] ranges = {{0, 0}, {0, 1}, {5, 7}, {0, 100}, {17, 1_000_003}, {999_999_000_000L, 1_000_000_000_000L}};
    for (long[] range : ranges) {
      JsonObject params = params(range[0], range[1]);
      int max = KIND.maxTasks(params);
      for (int tasks : new int[] {1, 2, 3, 7, 10, 64, 97, 1000, max}) {
        if (tasks > max) {
          continue;
        }
        List<JsonObject> split = KIND.split(params, tasks);
        assertEquals(tasks, split.size());
        long next = range[0];
        for (JsonObject task : split) {
          assertEquals(next, task.getLong("from"), "tasks are contiguous");
          assertTrue(task.getLong("to") >= task.getLong("from"), "no task is empty up to maxTasks");
          next = task.getLong("to") + 1;
        }
        assertEquals(range[1] + 1, next, "tasks end where the range ends");
      }
    }
  }

  @Test
  void splitBeyondTheNumbersGivesEmptyRangesThatCountNothing() {
    JsonObject params = params(5, 7);
    List<JsonObject> split = KIND.split(params, 10);
    assertEquals(10, split.size());
    long total = 0;
    long numbers = 0;
    for (JsonObject task : split) {
      total += KIND.execute(params, task, Cancellation.NONE).count();
      numbers += Math.max(0, task.getLong("to") - task.getLong("from") + 1);
    }
    assertEquals(3, numbers);
    assertEquals(2, total);
  }

  @Test
  void defaultTasksGrowWithTheRangeWithinBounds() {
    assertEquals(1, KIND.defaultTasks(params(0, 100)));
    assertEquals(100, KIND.defaultTasks(params(0, 1_000_000_000L)));
    assertEquals(256, KIND.defaultTasks(params(0, 100_000_000_000L)));
    assertEquals(3, KIND.maxTasks(params(5, 7)));
    assertEquals(JobSpec.MAX_TASKS, KIND.maxTasks(params(0, 1_000_000_000L)));
  }

  @Test
  void mergeIsAssociativeAndCommutative() {
    Random random = new Random(1);
    for (int i = 0; i < 100; i++) {
      Counted a = new Counted(random.nextInt(1_000_000));
      Counted b = new Counted(random.nextInt(1_000_000));
      Counted c = new Counted(random.nextInt(1_000_000));
      assertEquals(KIND.merge(a, b), KIND.merge(b, a));
      assertEquals(KIND.merge(KIND.merge(a, b), c), KIND.merge(a, KIND.merge(b, c)));
    }
  }

  @Test
  void codecRoundTripsACount() {
    Counted counted = new Counted(455_052_511L);
    assertEquals(counted, KIND.codec().decode(KIND.codec().encode(counted)));
  }

  @Test
  void finishReportsTheRangeAndCount() {
    JsonObject summary = KIND.finish(params(0, 100), new Counted(25)).summary();
    assertEquals(new JsonObject().put("from", 0L).put("to", 100L).put("count", 25L), summary);
  }

  @Test
  void rejectsMissingWrongTypeAndOutOfRangeParams() {
    assertSpecError("params.from", "required", new JsonObject().put("to", 10));
    assertSpecError("params.to", "required", new JsonObject().put("from", 10));
    assertSpecError("params.from", "must be a whole number", new JsonObject().put("from", "ten").put("to", 10));
    assertSpecError("params.from", "must be a whole number", new JsonObject().put("from", 1.5).put("to", 10));
    assertSpecError("params.from", "must be between 0 and 1000000000000", new JsonObject().put("from", -1).put("to", 10));
    assertSpecError("params.to", "must be between 0 and 1000000000000",
        new JsonObject().put("from", 0).put("to", PrimesKind.MAX_TO + 1));
    assertSpecError("params.step", "unknown field; allowed: from, to",
        new JsonObject().put("from", 0).put("to", 10).put("step", 2));
  }

  @Test
  void rejectsHugeNumbersFromJsonText() {
    assertSpecError("params.to", "must be a whole number that fits in 64 bits",
        new JsonObject("{\"from\": 0, \"to\": 123456789012345678901234567890}"));
    assertSpecError("params.to", "must be a whole number", new JsonObject("{\"from\": 0, \"to\": 1e300}"));
  }

  @Test
  void rejectsFromAfterTo() {
    assertSpecError("params.to", "must be >= params.from", new JsonObject().put("from", 11).put("to", 10));
  }

  @Test
  void rejectsRangesWiderThanTheLimit() {
    SpecException e = assertThrows(SpecException.class,
        () -> KIND.validate(new JsonObject().put("from", 0).put("to", PrimesKind.MAX_SPAN + 1)));
    assertEquals("params.to", e.field());
    KIND.validate(new JsonObject().put("from", 0).put("to", PrimesKind.MAX_SPAN));
  }

  @Test
  void acceptsWholeNumbersWrittenAsDecimals() {
    assertEquals(params(0, 100), KIND.validate(new JsonObject("{\"from\": 0.0, \"to\": 1e2}")));
  }

  @Test
  void cancelledTaskStopsPromptly() {
    JsonObject params = params(0, PrimesKind.MAX_SPAN);
    JsonObject task = KIND.split(params, 1).get(0);
    long start = System.nanoTime();
    assertThrows(CancelledException.class, () -> KIND.execute(params, task, () -> true));
    assertTrue(System.nanoTime() - start < 1_000_000_000L, "stops at once");
  }

  @Test
  void cancellationIsNoticedBetweenSegments() {
    JsonObject params = params(0, PrimesKind.MAX_SPAN);
    JsonObject task = KIND.split(params, 1).get(0);
    AtomicInteger polls = new AtomicInteger();
    long start = System.nanoTime();
    assertThrows(CancelledException.class, () -> KIND.execute(params, task, () -> polls.incrementAndGet() > 3));
    assertEquals(4, polls.get());
    assertTrue(System.nanoTime() - start < 2_000_000_000L, "a few segments take milliseconds");
  }

  private static long count(long from, long to) {
    return PrimesKind.countPrimes(from, to, Cancellation.NONE);
  }

  private static long run(long from, long to, int tasks) {
    JobSpec spec = JobSpec.parse(new JsonObject()
        .put("kind", "primes").put("params", new JsonObject().put("from", from).put("to", to)).put("tasks", tasks));
    return SingleProcess.run(spec).summary().getLong("count");
  }

  private static JsonObject params(long from, long to) {
    return KIND.validate(new JsonObject().put("from", from).put("to", to));
  }

  private static void assertSpecError(String field, String rule, JsonObject params) {
    SpecException e = assertThrows(SpecException.class, () -> KIND.validate(params));
    assertEquals(field, e.field());
    assertEquals(rule, e.rule());
  }

  /** below[n] = the number of primes <= n, by the textbook sieve. */
  private static int[] primesAtOrBelow(int limit) {
    boolean[] composite = new boolean[limit + 1];
    int[] below = new int[limit + 1];
    int count = 0;
    for (int n = 2; n <= limit; n++) {
      if (!composite[n]) {
        count++;
        for (long m = (long) n * n; m <= limit; m += n) {
          composite[(int) m] = true;
        }
      }
      below[n] = count;
    }
    return below;
  }
}
