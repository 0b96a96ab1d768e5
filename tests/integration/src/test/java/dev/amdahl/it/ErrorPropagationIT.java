package dev.amdahl.it;

import dev.amdahl.cli.AmdahlCli;
import dev.amdahl.cli.ApiClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Error propagation and rate limiting: a failing task retries with backoff, a task that fails
 * every attempt fails its job with the whole story (API, CLI, logs), and a flood of
 * submissions from one client gets 429s with Retry-After.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ErrorPropagationIT {
  @AutoClose
  private TestCluster cluster;

  @BeforeAll
  void startCluster() {
    cluster = TestCluster.start("errors", 2, Map.of("AMDAHL_SUBMIT_BURST", "30", "AMDAHL_SUBMIT_RATE", "2"));
  }

  @Test
  void aTaskThatFailsEveryAttemptFailsItsJobWithTheWholeStory() throws Exception {
    JsonObject spec = new JsonObject().put("kind", "sleep")
        .put("params", new JsonObject().put("tasks", 6).put("millis", 10).put("failTask", 2))
        .put("maxAttempts", 3);
    String id = cluster.api.submit(spec);
    JsonObject job = cluster.awaitEnd(id);

    assertEquals("FAILED", job.getString("state"));
    JsonObject error = job.getJsonObject("error");
    assertEquals(id + "/2", error.getString("taskId"));
    JsonArray attempts = error.getJsonArray("attempts");
    assertEquals(3, attempts.size(), "every attempt is in the story: " + error.encodePrettily());
    for (int i = 0; i < attempts.size(); i++) {
      JsonObject attempt = attempts.getJsonObject(i);
      assertEquals(i + 1, attempt.getInteger("attempt"));
      assertEquals(id, attempt.getString("jobId"));
      assertNotNull(attempt.getString("node"));
      assertNotNull(attempt.getString("version"));
      Instant.parse(attempt.getString("time"));
      assertTrue(attempt.getJsonArray("causes").getString(0).contains("always fails"), attempt.encode());
    }
    String coordinatorLog = Files.readString(cluster.cluster.coordinators().get(0).log());
    assertTrue(coordinatorLog.contains("job " + id + " FAILED") && coordinatorLog.contains(id + "/2"),
        "the coordinator's log tells the story");
  }

  @Test
  void theCliPrintsTheStoryAndExitsNonZero() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = AmdahlCli.run(new String[] {"submit", "sleep", "--param", "tasks=2", "--param", "millis=1",
        "--param", "failTask=0", "--max-attempts", "2", "--wait", "--url", cluster.cluster.url(), "--token", cluster.cluster.token()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(1, status, printed);
    assertTrue(printed.contains("FAILED") && printed.contains("always fails") && printed.contains("\"attempt\""), printed);
  }

  @Test
  void transientFailuresAreRetriedWithBackoffAndTheAnswerStaysExact() {
    double retriedBefore = sumOverWorkers("amdahl_tasks_retried_total");
    JsonObject spec = new JsonObject().put("kind", "sleep")
        .put("params", new JsonObject().put("tasks", 30).put("millis", 10).put("failRate", 0.3))
        .put("maxAttempts", 10);
    JsonObject job = cluster.awaitSuccess(cluster.api.submit(spec));

    assertEquals(new JsonObject().put("sleeps", 30L).put("millis", 300L), job.getJsonObject("result"));
    assertTrue(sumOverWorkers("amdahl_tasks_retried_total") > retriedBefore, "some attempts failed and were retried");
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void aFloodOfSubmissionsFromOneClientIsRateLimitedWith429() {
    int accepted = 0;
    ApiClient.Response limited = null;
    for (int i = 0; i < 60 && limited == null; i++) {
      ApiClient.Response response = cluster.api.post("/api/jobs", "{\"kind\":\"sleep\",\"params\":{\"tasks\":1,\"millis\":0}}");
      if (response.status() == 202) {
        accepted++;
      } else {
        limited = response;
      }
    }
    assertNotNull(limited, "the limiter refused some of 60 rapid submissions");
    assertEquals(429, limited.status());
    assertTrue(Long.parseLong(limited.header("retry-after")) >= 1, "Retry-After in seconds");
    assertTrue(limited.json().getLong("retryAfterMillis") > 0);
    assertFalse(limited.json().getString("error").isBlank());
    assertTrue(accepted >= 1, "the burst was allowed first");
    long retryAfter = limited.json().getLong("retryAfterMillis");
    Await.until("the bucket to refill", java.time.Duration.ofMillis(retryAfter + 10_000),
        () -> cluster.api.post("/api/jobs", "{\"kind\":\"sleep\",\"params\":{\"tasks\":1,\"millis\":0}}").status() == 202);
  }

  private double sumOverWorkers(String metric) {
    return cluster.cluster.workers().stream().filter(w -> w.isAlive()).mapToDouble(w -> Metrics.sum(w.url(), metric)).sum();
  }
}
