package dev.amdahl.jobs;

import dev.amdahl.jobs.kinds.SpinKind;
import dev.amdahl.jobs.kinds.SpinKind.Spun;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SpinKindTest {
  private static final SpinKind KIND = new SpinKind();

  @Test
  void isRegisteredAsSpin() {
    assertEquals(KIND.name(), JobKinds.get("spin").name());
  }

  @Test
  void splitCoversEverySpinExactlyOnce() {
    JsonObject params = params(37, 10);
    for (int tasks = 1; tasks <= 37; tasks++) {
      List<JsonObject> split = KIND.split(params, tasks);
      long next = 0;
      for (JsonObject task : split) {
        assertEquals(next, task.getLong("first"));
        next += task.getLong("spins");
      }
      assertEquals(37, next);
    }
  }

  @Test
  void theResultDoesNotDependOnHowTheJobIsSplit() {
    JsonObject spec = new JsonObject().put("kind", "spin").put("params", new JsonObject().put("tasks", 12).put("iterations", 5000));
    JsonObject whole = SingleProcess.run(JobSpec.parse(spec.copy().put("tasks", 1))).summary();
    JsonObject split = SingleProcess.run(JobSpec.parse(spec.copy().put("tasks", 5))).summary();
    assertEquals(whole, split);
    assertEquals(12L, whole.getLong("tasks"));
    assertEquals(60_000L, whole.getLong("iterations"));
  }

  @Test
  void differentWorkGivesADifferentChecksum() {
    assertNotEquals(SpinKind.spin(1, 1000, Cancellation.NONE), SpinKind.spin(1, 1001, Cancellation.NONE));
    assertNotEquals(SpinKind.spin(1, 1000, Cancellation.NONE), SpinKind.spin(2, 1000, Cancellation.NONE));
  }

  @Test
  void aCancelledSpinStops() {
    JsonObject params = params(1, 1_000_000_000_000L);
    assertThrows(CancelledException.class, () -> KIND.execute(params, KIND.split(params, 1).get(0), () -> true));
  }

  @Test
  void mergeIsAssociativeAndCommutativeAndTheCodecRoundTrips() {
    Spun a = new Spun(1, 10, 0x1234);
    Spun b = new Spun(2, 20, -7);
    Spun c = new Spun(3, 0, Long.MIN_VALUE);
    assertEquals(KIND.merge(a, b), KIND.merge(b, a));
    assertEquals(KIND.merge(KIND.merge(a, b), c), KIND.merge(a, KIND.merge(b, c)));
    assertEquals(c, KIND.codec().decode(KIND.codec().encode(c)));
  }

  @Test
  void rejectsBadParams() {
    assertEquals("params.tasks", assertThrows(SpecException.class, () -> KIND.validate(new JsonObject().put("tasks", 0))).field());
    assertEquals("params.iterations",
        assertThrows(SpecException.class, () -> KIND.validate(new JsonObject().put("iterations", -1))).field());
  }

  private static JsonObject params(int tasks, long iterations) {
    return KIND.validate(new JsonObject().put("tasks", tasks).put("iterations", iterations));
  }
}
