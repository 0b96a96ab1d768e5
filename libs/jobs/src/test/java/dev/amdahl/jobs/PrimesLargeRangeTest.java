package dev.amdahl.jobs;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The sieve on a range the size of a real job, about a second of one core. pi(10^10) is
 * left out: it takes some ten seconds here.
 */
class PrimesLargeRangeTest {

  @Test
  void countsPrimesBelowOneBillionExactlyAcrossTheDefaultSplit() {
    JobSpec spec = JobSpec.parse(new JsonObject()
        .put("kind", "primes").put("params", new JsonObject().put("from", 0).put("to", 1_000_000_000L)));
    assertEquals(100, spec.tasks());
    assertEquals(50_847_534L, SingleProcess.run(spec).summary().getLong("count"));
  }
}
