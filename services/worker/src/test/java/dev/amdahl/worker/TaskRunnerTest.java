package dev.amdahl.worker;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * How a worker reads the word that a job stopped. The leader's word that a replica won and its
 * word that the job ended go to two addresses, and the clustered event bus keeps order only
 * per address: the job's end must say on its own which attempts lost a replica race.
 */
class TaskRunnerTest {
  private static final JsonObject ENDED = new JsonObject().put("jobId", "job-1").put("reason", "job ended")
      .put("superseded", new JsonArray().add("job-1/3"));

  @Test
  void anAttemptThatLostAReplicaRaceStopsAsSupersededWhenTheJobsEndComesFirst() {
    assertEquals(TaskRunner.SUPERSEDED, TaskRunner.stopReason(ENDED, "job-1/3"));
  }

  @Test
  void theJobsOtherAttemptsStopBecauseTheJobEnded() {
    assertEquals(TaskRunner.JOB_ENDED, TaskRunner.stopReason(ENDED, "job-1/4"));
    assertEquals(TaskRunner.JOB_ENDED, TaskRunner.stopReason(new JsonObject().put("jobId", "job-1").put("reason", "job ended"), "job-1/3"));
  }

  @Test
  void aCancelOrADeadlineSaysSo() {
    assertEquals(TaskRunner.USER, TaskRunner.stopReason(new JsonObject().put("jobId", "job-1").put("reason", "user"), "job-1/0"));
    assertEquals(TaskRunner.DEADLINE, TaskRunner.stopReason(new JsonObject().put("jobId", "job-1").put("reason", "deadline"), "job-1/0"));
  }
}
