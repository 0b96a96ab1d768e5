package dev.amdahl.jobs;

import dev.amdahl.jobs.kinds.SleepKind;
import dev.amdahl.jobs.kinds.SleepKind.Slept;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SleepKindTest {
  private static final SleepKind KIND = new SleepKind();

  @Test
  void fillsInDefaults() {
    JsonObject params = KIND.validate(new JsonObject());
    assertEquals(new JsonObject().put("tasks", 10).put("millis", 100L).put("failRate", 0.0)
        .put("failTask", -1).put("hangTask", -1).put("hangMillis", 30_000L), params);
    assertEquals(10, KIND.defaultTasks(params));
    assertEquals(10, KIND.maxTasks(params));
  }

  @Test
  void splitGroupsEverySleepIntoExactlyOneTask() {
    for (int sleeps : new int[] {1, 7, 10, 100, 1000}) {
      JsonObject params = params(sleeps, 0);
      for (int tasks = 1; tasks <= Math.min(sleeps, 120); tasks++) {
        List<JsonObject> split = KIND.split(params, tasks);
        assertEquals(tasks, split.size());
        long total = 0;
        for (JsonObject task : split) {
          assertTrue(task.getLong("sleeps") >= 1, "no task is empty");
          total += task.getLong("sleeps");
        }
        assertEquals(sleeps, total);
      }
    }
  }

  @Test
  void executeSleepsForItsShare() throws Exception {
    JsonObject params = params(4, 30);
    JsonObject task = KIND.split(params, 2).get(0);
    long start = System.nanoTime();
    Slept slept = KIND.execute(params, task, Cancellation.NONE);
    assertEquals(new Slept(2, 60), slept);
    // The remaining time is polled in whole milliseconds, so the last one may be cut short.
    assertTrue(System.nanoTime() - start >= 59_000_000L);
  }

  @Test
  void jobReportsAllSleeps() {
    JobSpec spec = JobSpec.parse(new JsonObject().put("kind", "sleep")
        .put("params", new JsonObject().put("tasks", 5).put("millis", 1)).put("tasks", 3));
    assertEquals(new JsonObject().put("sleeps", 5L).put("millis", 5L), SingleProcess.run(spec).summary());
  }

  @Test
  void cancelledTaskStopsPromptly() {
    JsonObject params = params(1, 600_000);
    JsonObject task = KIND.split(params, 1).get(0);
    long start = System.nanoTime();
    assertThrows(CancelledException.class, () -> KIND.execute(params, task, () -> true));
    assertTrue(System.nanoTime() - start < 1_000_000_000L);
  }

  @Test
  void cancellationDuringTheSleepIsNoticedWithinAPoll() {
    JsonObject params = params(1, 600_000);
    JsonObject task = KIND.split(params, 1).get(0);
    long start = System.nanoTime();
    long cancelAt = start + 100_000_000L;
    assertThrows(CancelledException.class, () -> KIND.execute(params, task, () -> System.nanoTime() > cancelAt));
    assertTrue(System.nanoTime() - start < 1_000_000_000L);
  }

  @Test
  void mergeIsAssociativeAndCommutative() {
    Slept a = new Slept(1, 100);
    Slept b = new Slept(2, 40);
    Slept c = new Slept(7, 0);
    assertEquals(KIND.merge(a, b), KIND.merge(b, a));
    assertEquals(KIND.merge(KIND.merge(a, b), c), KIND.merge(a, KIND.merge(b, c)));
    assertEquals(a, KIND.codec().decode(KIND.codec().encode(a)));
  }

  @Test
  void rejectsBadParams() {
    SpecException tasks = assertThrows(SpecException.class, () -> KIND.validate(new JsonObject().put("tasks", 0)));
    assertEquals("params.tasks", tasks.field());
    SpecException millis = assertThrows(SpecException.class, () -> KIND.validate(new JsonObject().put("millis", 600_001)));
    assertEquals("params.millis", millis.field());
    SpecException unknown = assertThrows(SpecException.class, () -> KIND.validate(new JsonObject().put("nap", 1)));
    assertEquals("params.nap", unknown.field());
  }

  private static JsonObject params(int sleeps, long millis) {
    return KIND.validate(new JsonObject().put("tasks", sleeps).put("millis", millis));
  }

  @Test
  void theFailTaskFailsOnEveryAttemptAndTheOthersDoNot() throws Exception {
    JsonObject params = KIND.validate(new JsonObject().put("tasks", 3).put("millis", 0).put("failTask", 1));
    var tasks = KIND.split(params, 3);
    for (int attempt = 0; attempt < 5; attempt++) {
      assertThrows(IllegalStateException.class, () -> KIND.execute(params, tasks.get(1), Cancellation.NONE));
    }
    assertEquals(1, KIND.execute(params, tasks.get(0), Cancellation.NONE).sleeps());
  }

  @Test
  void aFailRateOfOneFailsEveryAttempt() {
    JsonObject params = KIND.validate(new JsonObject().put("tasks", 2).put("millis", 0).put("failRate", 1.0));
    assertThrows(IllegalStateException.class, () -> KIND.execute(params, KIND.split(params, 2).get(0), Cancellation.NONE));
  }

  @Test
  void theHangTaskIgnoresInterruptsAndCancellationUntilItsHangIsOver() throws Exception {
    JsonObject params = KIND.validate(new JsonObject().put("tasks", 1).put("millis", 0).put("hangTask", 0).put("hangMillis", 300));
    JsonObject task = KIND.split(params, 1).get(0);
    java.util.concurrent.atomic.AtomicReference<Object> outcome = new java.util.concurrent.atomic.AtomicReference<>();
    Thread thread = new Thread(() -> {
      try {
        outcome.set(KIND.execute(params, task, Cancellation.NONE));
      } catch (Exception e) {
        outcome.set(e);
      }
    });
    thread.start();
    thread.interrupt();
    thread.join();
    assertEquals(new SleepKind.Slept(1, 0), outcome.get(), "it finished normally despite the interrupt");
  }
}
