package dev.amdahl.coordinator;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobRunTest {
  private static JobRun run(int tasks, int perEntry) {
    return new JobRun(new JsonObject().put("id", "j").put("kind", "sleep").put("params", new JsonObject())
        .put("tasks", tasks).put(TaskGroups.FIELD, perEntry), null);
  }

  @Test
  void countsTheTasksOfAGroupOnceHoweverOftenItIsReported() {
    JobRun run = run(10, 4);
    assertTrue(run.markDone(0, 4));
    assertFalse(run.markDone(0, 4), "a duplicate report counts nothing");
    assertTrue(run.markDone(4, 4));
    assertEquals(8, run.doneCount);
    assertFalse(run.complete());
    assertTrue(run.markDone(8, 2));
    assertTrue(run.complete());
    assertEquals(10, run.doneCount);
  }

  @Test
  void ignoresReportsOutsideTheJob() {
    JobRun run = run(10, 4);
    assertFalse(run.markDone(8, 4));
    assertFalse(run.markDone(-1, 1));
    assertFalse(run.markDone(0, 0));
    assertEquals(0, run.doneCount);
  }

  @Test
  void aJobFromACoordinatorBeforeGroupingHasOneTaskPerEntry() {
    JobRun run = new JobRun(new JsonObject().put("id", "j").put("kind", "sleep").put("params", new JsonObject()).put("tasks", 3), null);
    assertEquals(List.of("j/0", "j/1", "j/2"), run.entryKeys());
    assertEquals(List.of("j/0", "j/4", "j/8"), run(10, 4).entryKeys());
  }
}
