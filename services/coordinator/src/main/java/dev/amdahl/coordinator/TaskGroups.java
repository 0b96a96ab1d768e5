package dev.amdahl.coordinator;

import dev.amdahl.jobs.JobKind;
import dev.amdahl.jobs.JobSpec;
import dev.amdahl.node.grid.TaskEntry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * How a job's tasks map to grid entries. Every entry costs the same whatever it holds — a
 * write, a queue slot, a claim, a result, an event, index upkeep — so a job of many tiny
 * tasks would spend more on its entries than on its work. A big job's consecutive tasks are
 * therefore grouped: at most {@link #MAX_ENTRIES} entries per job, at most
 * {@link #MAX_PER_ENTRY} tasks per entry (an entry is also what a draining worker hands
 * back, and what a lost worker's successor runs again). An entry is leased, run and completed
 * as a whole, and its result is the merge of its tasks' partials.
 *
 * <p>A client may choose for its job ({@code tasksPerEntry} in the spec: 1 for a task per entry,
 * whatever the job's size). The choice is written into the job record ({@link #FIELD}), so a
 * coordinator that takes over reads it rather than computing it again.
 */
final class TaskGroups {
  /** The job record's field: tasks per grid entry. */
  static final String FIELD = "tasksPerEntry";
  static final int MAX_ENTRIES = 256;
  static final int MAX_PER_ENTRY = JobSpec.MAX_TASKS_PER_ENTRY;

  private TaskGroups() {
  }

  /** Tasks per entry for a job of {@code tasks} tasks of {@code kind} with these (validated) params. */
  static int perEntry(JobKind<?> kind, JsonObject params, int tasks) {
    if (tasks <= MAX_ENTRIES || !kind.groupsTasks(params)) {
      return 1;
    }
    return Math.min(MAX_PER_ENTRY, (tasks + MAX_ENTRIES - 1) / MAX_ENTRIES);
  }

  /** The entries' map keys, in task order. */
  static List<String> keys(String jobId, int tasks, int perEntry) {
    List<String> keys = new ArrayList<>((tasks + perEntry - 1) / perEntry);
    for (int first = 0; first < tasks; first += perEntry) {
      keys.add(TaskEntry.key(jobId, first));
    }
    return keys;
  }

  /** The input of the entry whose first task is {@code first}: one task's object, or a group's array. */
  static String input(List<JsonObject> inputs, int first, int count) {
    if (count == 1) {
      return inputs.get(first).encode();
    }
    return new JsonArray(new ArrayList<Object>(inputs.subList(first, first + count))).encode();
  }
}
