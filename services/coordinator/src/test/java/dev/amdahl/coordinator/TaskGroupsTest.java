package dev.amdahl.coordinator;

import dev.amdahl.jobs.JobKinds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskGroupsTest {
  private static final JsonObject SLEEP = JobKinds.get("sleep").validate(new JsonObject().put("tasks", 100_000).put("millis", 0));

  @Test
  void smallJobsKeepOneTaskPerEntry() {
    assertEquals(1, TaskGroups.perEntry(JobKinds.get("sleep"), SLEEP, 1));
    assertEquals(1, TaskGroups.perEntry(JobKinds.get("sleep"), SLEEP, TaskGroups.MAX_ENTRIES));
  }

  @Test
  void bigJobsGetAtMostMaxEntriesAndAtMostMaxPerEntry() {
    assertEquals(2, TaskGroups.perEntry(JobKinds.get("sleep"), SLEEP, TaskGroups.MAX_ENTRIES + 1));
    assertEquals(40, TaskGroups.perEntry(JobKinds.get("sleep"), SLEEP, 10_000));
    assertEquals(TaskGroups.MAX_PER_ENTRY, TaskGroups.perEntry(JobKinds.get("sleep"), SLEEP, 100_000));
    for (int tasks : new int[] {257, 1000, 10_000, 16_384, 16_385, 100_000}) {
      int perEntry = TaskGroups.perEntry(JobKinds.get("sleep"), SLEEP, tasks);
      int entries = TaskGroups.keys("j", tasks, perEntry).size();
      assertTrue(entries <= TaskGroups.MAX_ENTRIES || perEntry == TaskGroups.MAX_PER_ENTRY, tasks + " tasks: " + entries + " entries of " + perEntry);
    }
  }

  @Test
  void kindsThatShowOrFailTasksOneByOneAreNotGrouped() {
    JsonObject mandelbrot = JobKinds.get("mandelbrot").validate(new JsonObject().put("width", 1000).put("height", 1000));
    assertEquals(1, TaskGroups.perEntry(JobKinds.get("mandelbrot"), mandelbrot, 10_000));
    JsonObject failing = JobKinds.get("sleep").validate(new JsonObject().put("tasks", 10_000).put("millis", 0).put("failTask", 3));
    assertEquals(1, TaskGroups.perEntry(JobKinds.get("sleep"), failing, 10_000));
    JsonObject flaky = JobKinds.get("sleep").validate(new JsonObject().put("tasks", 10_000).put("millis", 0).put("failRate", 0.1));
    assertFalse(JobKinds.get("sleep").groupsTasks(flaky));
  }

  @Test
  void keysNameEachEntrysFirstTaskAndCoverEveryTask() {
    assertEquals(List.of("j/0", "j/3", "j/6", "j/9"), TaskGroups.keys("j", 10, 3));
    assertEquals(List.of("j/0", "j/1"), TaskGroups.keys("j", 2, 1));
  }

  @Test
  void aGroupsInputIsTheArrayOfItsTasksInputs() {
    List<JsonObject> inputs = IntStream.range(0, 5).mapToObj(i -> new JsonObject().put("index", i)).toList();
    assertEquals(new JsonObject().put("index", 4), new JsonObject(TaskGroups.input(inputs, 4, 1)));
    assertEquals(new JsonArray().add(inputs.get(1)).add(inputs.get(2)).add(inputs.get(3)),
        new JsonArray(TaskGroups.input(inputs, 1, 3)));
  }
}
