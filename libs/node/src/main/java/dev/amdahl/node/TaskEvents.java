package dev.amdahl.node;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.function.Consumer;

/**
 * The "tasks done" events on the event bus. A worker publishes one {@link Names#TASKS_DONE}
 * event per batch of results the grid accepted; listeners see each task as the single
 * {@link Names#TASK_DONE} event that workers before batching published, so both kinds of
 * worker can run side by side during a rolling upgrade.
 */
public final class TaskEvents {
  private TaskEvents() {
  }

  /** Tells idle workers that tasks were put in the queues ({@link Names#TASKS_QUEUED}). */
  public static void announceQueued(EventBus bus) {
    bus.publish(Names.TASKS_QUEUED, new JsonObject());
  }

  /**
   * One accepted result: its job, first task index, task count (an entry may hold a group of
   * tasks; absent means 1) and key, how long it ran, whether a replica won it.
   */
  public static JsonObject done(String jobId, int index, int count, String key, long micros, boolean replica) {
    return new JsonObject().put("jobId", jobId).put("index", index).put("count", count).put("key", key)
        .put("micros", micros).put("replica", replica);
  }

  /** A batch of {@link #done} entries from one worker. */
  public static JsonObject batch(String node, String version, JsonArray tasks) {
    return new JsonObject().put("node", node).put("version", version).put("tasks", tasks);
  }

  /** Hands each task of a {@link Names#TASKS_DONE} batch to {@code each}, shaped as a {@link Names#TASK_DONE} event. */
  public static void forEachDone(JsonObject batch, Consumer<JsonObject> each) {
    JsonArray tasks = batch.getJsonArray("tasks", new JsonArray());
    for (int i = 0; i < tasks.size(); i++) {
      each.accept(tasks.getJsonObject(i).copy().put("node", batch.getString("node")).put("version", batch.getString("version")));
    }
  }
}
