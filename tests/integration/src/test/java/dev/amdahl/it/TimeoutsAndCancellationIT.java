package dev.amdahl.it;

import dev.amdahl.cli.NodeProcess;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cancellation by the user, by a job's deadline, and a task's timeout, on real workers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class TimeoutsAndCancellationIT {
  @AutoClose
  private TestCluster cluster;

  @BeforeAll
  void startCluster() {
    cluster = TestCluster.start("timeouts", 2, Map.of());
  }

  @Test
  void cancellingAJobWithdrawsItsTasksAndStopsTheRunningOnesPromptly() {
    String id = cluster.submit("sleep", new JsonObject().put("tasks", 40).put("millis", 20_000), null);
    Await.until("every worker to be running tasks", Duration.ofSeconds(60), () -> inFlight() >= 2);
    double cancelledBefore = cancelled("user");

    var response = cluster.api.delete("/api/jobs/" + id);

    assertEquals(200, response.status());
    assertEquals("CANCELLED", response.json().getString("state"));
    assertEquals("user", response.json().getString("cancelReason"));
    // 20 s tasks: only being interrupted ends them this soon.
    Await.until("every running task to stop", Duration.ofSeconds(5), () -> inFlight() == 0);
    assertTrue(cancelled("user") > cancelledBefore, "the running attempts were cancelled for the user");
    Await.until("the pending tasks to be withdrawn from the grid", Duration.ofSeconds(10),
        () -> Metrics.sum(cluster.coordinatorHttp(), "amdahl_tasks_backlog") == 0);
    assertEquals("CANCELLED", cluster.api.job(id).getString("state"));
  }

  @Test
  void aJobPastItsDeadlineIsCancelledForThatReason() {
    JsonObject spec = new JsonObject().put("kind", "sleep")
        .put("params", new JsonObject().put("tasks", 20).put("millis", 5_000)).put("deadlineSeconds", 3);
    JsonObject job = cluster.awaitEnd(cluster.api.submit(spec));

    assertEquals("CANCELLED", job.getString("state"));
    assertEquals("deadline", job.getString("cancelReason"));
    Await.until("the running tasks to stop", Duration.ofSeconds(5), () -> inFlight() == 0);
  }

  @Test
  void anAttemptPastTheTaskTimeoutIsStoppedAndCountsAsFailed() {
    JsonObject spec = new JsonObject().put("kind", "sleep")
        .put("params", new JsonObject().put("tasks", 2).put("millis", 30_000))
        .put("taskTimeoutSeconds", 1).put("maxAttempts", 2);
    JsonObject job = cluster.awaitEnd(cluster.api.submit(spec));

    assertEquals("FAILED", job.getString("state"));
    String story = job.getJsonObject("error").encode();
    assertTrue(story.contains("TimeoutException") && story.contains("timeout of 1000 ms"), story);
    assertEquals(2, job.getJsonObject("error").getJsonArray("attempts").size());
  }

  private int inFlight() {
    int total = 0;
    for (NodeProcess worker : cluster.cluster.workers()) {
      JsonObject member = cluster.member(worker);
      total += member == null ? 0 : member.getInteger("inFlight", 0);
    }
    return total;
  }

  private double cancelled(String reason) {
    double total = 0;
    for (NodeProcess worker : cluster.cluster.workers()) {
      String text = new dev.amdahl.cli.ApiClient(worker.url()).get("/metrics").text();
      for (String line : text.split("\n")) {
        if (line.startsWith("amdahl_tasks_cancelled_total{") && line.contains("reason=\"" + reason + "\"")) {
          total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return total;
  }
}
