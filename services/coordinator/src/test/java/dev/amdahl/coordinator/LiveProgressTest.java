package dev.amdahl.coordinator;

import dev.amdahl.jobs.JobSpec;
import dev.amdahl.node.Names;
import dev.amdahl.node.TaskEvents;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LiveProgressTest {
  private final LiveProgress live = new LiveProgress();

  private static JsonObject record(String id, String state, int done) {
    return new JsonObject().put("id", id).put("state", state)
        .put("progress", new JsonObject().put("total", 100).put("done", done));
  }

  /** A worker's word of an accepted result, as {@link TaskEvents#forEachDone} hands it on. */
  private static JsonObject word(String id, int index, int count) {
    return new JsonObject().put("jobId", id).put("index", index).put("count", count).put("node", "w1");
  }

  private static int done(JsonObject job) {
    return job.getJsonObject("progress").getInteger("done");
  }

  @Test
  void aRunningJobsRecordShowsTheTasksHeardDoneWhenThatIsMore() {
    live.done(word("j1", 0, 10));
    live.done(word("j1", 10, 10));
    live.done(word("j1", 50, 1));
    assertEquals(21, done(live.overlay(record("j1", "RUNNING", 15))));
    // The record counts more (words missed, or heard since this coordinator started): it stands.
    assertEquals(60, done(live.overlay(record("j1", "RUNNING", 60))));
    // Another job's words are not this one's.
    assertEquals(5, done(live.overlay(record("j2", "RUNNING", 5))));
  }

  @Test
  void aTaskNamedTwiceCountsOnce() {
    live.done(word("j1", 0, 4));
    live.done(word("j1", 2, 4));
    live.done(word("j1", 3, 1));
    assertEquals(6, done(live.overlay(record("j1", "RUNNING", 0))));
  }

  @Test
  void neverMoreThanTheJobsTotal() {
    live.done(word("j1", 0, 120));
    assertEquals(100, done(live.overlay(record("j1", "RUNNING", 90))));
  }

  @Test
  void anEndedJobIsForgottenAndItsRecordSpeaksForItself() {
    live.done(word("j1", 0, 90));
    live.done(word("j2", 0, 90));
    live.done(word("j3", 0, 90));
    assertEquals(3, live.size());
    // A final record: what it says stands, and the words heard are dropped.
    assertEquals(100, done(live.overlay(record("j1", "SUCCEEDED", 100))));
    assertEquals(7, done(live.overlay(record("j2", "CANCELLED", 7))));
    live.ended("j3");
    assertEquals(0, live.size());
    assertEquals(10, done(live.overlay(record("j3", "RUNNING", 10))), "nothing is left to show");
  }

  @Test
  void wordsThatNameNoTaskChangeNothing() {
    live.done(new JsonObject().put("jobId", "j1"));
    live.done(new JsonObject().put("jobId", "j1").put("index", "seven"));
    live.done(new JsonObject().put("index", 3));
    live.done(word("j1", -1, 1));
    live.done(word("j1", JobSpec.MAX_TASKS, 1));
    assertEquals(0, live.size());
    JsonObject queued = new JsonObject().put("id", "j1").put("state", "QUEUED");
    assertEquals(queued.copy(), live.overlay(queued));
  }

  @Test
  void hearsTheWorkersWordsAndTheJobsEndOnTheEventBus() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      TaskEvents.registerCodec(vertx.eventBus());
      LiveProgress listening = LiveProgress.listening(vertx.eventBus());
      vertx.eventBus().publish(Names.TASKS_DONE, new TaskEvents.Batch("w1", "1.0.0", List.of(
          new TaskEvents.Done("j1", 0, 5, "j1/0", 1000, false), new TaskEvents.Done("j1", 5, 5, "j1/5", 1000, false))));
      assertTrue(awaitSize(listening, 1), "the words were heard");
      assertEquals(10, done(listening.overlay(record("j1", "RUNNING", 3))));
      vertx.eventBus().publish(Names.JOB_STOPPED, new JsonObject().put("jobId", "j1").put("reason", "job ended"));
      assertTrue(awaitSize(listening, 0), "the stopped job was forgotten");
      vertx.eventBus().publish(Names.TASK_DONE, word("j2", 0, 1));
      assertTrue(awaitSize(listening, 1), "a single word, as workers before batching sent, was heard");
      vertx.eventBus().publish(Names.JOB_UPDATED, new JsonObject().put("jobId", "j2").put("state", "FAILED"));
      assertTrue(awaitSize(listening, 0), "the failed job was forgotten");
    } finally {
      vertx.close().await();
    }
  }

  private static boolean awaitSize(LiveProgress live, int size) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (live.size() != size) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }
}
