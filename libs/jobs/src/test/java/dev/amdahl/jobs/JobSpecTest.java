package dev.amdahl.jobs;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobSpecTest {

  @Test
  void knowsEveryKind() {
    assertEquals(List.of("primes", "pi", "mandelbrot", "sleep", "spin"), List.copyOf(JobKinds.names()));
  }

  @Test
  void parsesAFullSpec() {
    JobSpec spec = JobSpec.parse(new JsonObject()
        .put("kind", "primes").put("params", new JsonObject().put("from", 0).put("to", 1000)).put("tasks", 4));
    assertEquals("primes", spec.kind());
    assertEquals(new JsonObject().put("from", 0L).put("to", 1000L), spec.params());
    assertEquals(4, spec.tasks());
  }

  @Test
  void fillsInDefaultParamsAndTasks() {
    JobSpec spec = JobSpec.parse(new JsonObject().put("kind", "mandelbrot"));
    assertEquals(800, spec.params().getInteger("width"));
    assertEquals(64, spec.tasks());
  }

  @Test
  void capsDefaultTasksAtTheKindsMaximum() {
    JobSpec spec = JobSpec.parse(new JsonObject().put("kind", "mandelbrot")
        .put("params", new JsonObject().put("width", 2).put("height", 3)));
    assertEquals(6, spec.tasks());
  }

  @Test
  void letsAClientChooseTasksPerEntryWhereTasksMayBeGrouped() {
    JsonObject pi = new JsonObject().put("kind", "pi").put("params", new JsonObject().put("samples", 1000));
    assertNull(JobSpec.parse(pi.copy()).tasksPerEntry(), "the cluster chooses by default");
    assertEquals(1, JobSpec.parse(pi.copy().put("tasksPerEntry", 1)).tasksPerEntry());
    assertEquals(64, JobSpec.parse(pi.copy().put("tasksPerEntry", 64)).tasksPerEntry());
    for (Object bad : List.of(0, 65, "4", 2.5)) {
      SpecException e = assertThrows(SpecException.class,
          () -> JobSpec.parse(pi.copy().put("tasksPerEntry", bad)));
      assertEquals("tasksPerEntry", e.field(), String.valueOf(bad));
    }
    SpecException tiles = assertThrows(SpecException.class,
        () -> JobSpec.parse(new JsonObject().put("kind", "mandelbrot").put("tasksPerEntry", 2)));
    assertEquals("tasksPerEntry", tiles.field());
    assertEquals(1, JobSpec.parse(new JsonObject().put("kind", "mandelbrot").put("tasksPerEntry", 1)).tasksPerEntry());
  }

  @Test
  void survivesAJsonRoundTrip() {
    for (JsonObject body : List.of(
        new JsonObject().put("kind", "primes").put("params", new JsonObject().put("from", 10).put("to", 99)),
        new JsonObject().put("kind", "pi").put("params", new JsonObject().put("samples", 1000)).put("tasks", 3),
        new JsonObject().put("kind", "mandelbrot").put("params", new JsonObject().put("width", 16).put("height", 9)),
        new JsonObject().put("kind", "sleep").put("params", new JsonObject().put("millis", 0)))) {
      JobSpec spec = JobSpec.parse(body);
      // The cluster ships specs as JSON text; what comes back must parse and run the same.
      JobSpec shipped = JobSpec.parse(new JsonObject(spec.toJson().encode()));
      assertEquals(spec, shipped);
      assertEquals(SingleProcess.run(spec).summary(), SingleProcess.run(shipped).summary());
    }
  }

  @Test
  void rejectsAMissingOrUnknownKind() {
    assertField("kind", new JsonObject());
    assertField("kind", new JsonObject().put("kind", "fibonacci"));
    assertField("kind", new JsonObject().put("kind", 3));
    SpecException e = assertThrows(SpecException.class, () -> JobSpec.parse(new JsonObject().put("kind", "nope")));
    assertTrue(e.rule().contains("primes"), "lists the known kinds: " + e.rule());
  }

  @Test
  void rejectsTasksOutOfRange() {
    JsonObject params = new JsonObject().put("from", 0).put("to", 9);
    assertField("tasks", new JsonObject().put("kind", "primes").put("params", params).put("tasks", 0));
    assertField("tasks", new JsonObject().put("kind", "primes").put("params", params).put("tasks", -1));
    assertField("tasks", new JsonObject().put("kind", "primes").put("params", params).put("tasks", 11));
    assertField("tasks", new JsonObject().put("kind", "primes").put("params", params).put("tasks", "4"));
    assertField("tasks", new JsonObject().put("kind", "primes").put("params", params).put("tasks", 2.5));
    assertField("tasks", new JsonObject().put("kind", "pi")
        .put("params", new JsonObject().put("samples", 1_000_000_000)).put("tasks", JobSpec.MAX_TASKS + 1));
    assertEquals(10, JobSpec.parse(new JsonObject().put("kind", "primes").put("params", params).put("tasks", 10)).tasks());
  }

  @Test
  void rejectsNonFiniteNumbersWhereWholeNumbersBelong() {
    for (double bad : new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN}) {
      assertField("params.from", new JsonObject().put("kind", "primes").put("params", new JsonObject().put("from", bad).put("to", 5)));
      assertField("params.samples", new JsonObject().put("kind", "pi").put("params", new JsonObject().put("samples", bad)));
    }
  }

  @Test
  void rejectsOptionsOutOfRange() {
    JsonObject params = new JsonObject().put("samples", 10);
    assertField("maxAttempts", new JsonObject().put("kind", "pi").put("params", params).put("maxAttempts", 0));
    assertField("deadlineSeconds", new JsonObject().put("kind", "pi").put("params", params).put("deadlineSeconds", -5));
    assertField("taskTimeoutSeconds", new JsonObject().put("kind", "pi").put("params", params).put("taskTimeoutSeconds", "1"));
  }

  @Test
  void rejectsParamsThatAreNotAnObject() {
    assertField("params", new JsonObject().put("kind", "pi").put("params", "samples=10"));
    assertField("params", new JsonObject().put("kind", "pi").put("params", new JsonArray().add(10)));
  }

  @Test
  void rejectsUnknownTopLevelFields() {
    assertField("priority", new JsonObject().put("kind", "pi")
        .put("params", new JsonObject().put("samples", 10)).put("priority", 1));
  }

  @Test
  void reportsParamErrorsWithTheirPath() {
    assertField("params.samples", new JsonObject().put("kind", "pi"));
    assertField("params.to", new JsonObject().put("kind", "primes").put("params", new JsonObject().put("from", 5).put("to", 4)));
  }

  private static void assertField(String field, JsonObject body) {
    SpecException e = assertThrows(SpecException.class, () -> JobSpec.parse(body));
    assertEquals(field, e.field(), e.getMessage());
  }
}
