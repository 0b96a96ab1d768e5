package dev.amdahl.it;

import dev.amdahl.cli.ApiClient;
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

/**
 * Healing unhealthy executors: a task that ignores cancellation past its timeout gets its
 * thread replaced while the worker keeps working; a worker with more stuck threads than it
 * may replace fails its liveness check, and passes it again once they return.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class HealingIT {
  @AutoClose
  private TestCluster cluster;
  private NodeProcess worker;

  @BeforeAll
  void startCluster() {
    cluster = TestCluster.start("healing", 0, Map.of());
    worker = cluster.cluster.startWorker(Map.of("AMDAHL_WORKER_THREADS", "1", "AMDAHL_WORKER_MAX_HELD", "1"));
    worker.awaitReady(Duration.ofSeconds(180));
  }

  @Test
  void aStuckTaskGetsItsThreadReplacedAndTooManyStuckThreadsFailLiveness() {
    JsonObject hang = new JsonObject().put("tasks", 2).put("millis", 10).put("hangTask", 0).put("hangMillis", 20_000);
    JsonObject spec = new JsonObject().put("kind", "sleep").put("params", hang).put("taskTimeoutSeconds", 1).put("maxAttempts", 1);
    String first = cluster.api.submit(spec);

    Await.until("the stuck thread to be replaced", Duration.ofSeconds(30),
        () -> Metrics.sum(worker.url(), "amdahl_executors_replaced_total") >= 1);
    assertEquals(200, live(), "one stuck thread is healed, not fatal");
    assertEquals("FAILED", cluster.awaitEnd(first).getString("state"), "the hung task timed out on its only attempt");
    String healthy = cluster.submit("sleep", new JsonObject().put("tasks", 3).put("millis", 10), null);
    assertEquals("SUCCEEDED", cluster.awaitEnd(healthy).getString("state"), "the healed worker keeps working");

    String second = cluster.api.submit(spec);
    Await.until("liveness to fail with two stuck threads on a one-thread worker", Duration.ofSeconds(30), () -> live() == 503);
    cluster.awaitEnd(second);
    Await.until("liveness to recover once the stuck tasks return", Duration.ofSeconds(60), () -> live() == 200);
    assertTrue(Metrics.sum(worker.url(), "amdahl_executors_replaced_total") >= 2);
  }

  private int live() {
    return new ApiClient(worker.url()).get("/health/live").status();
  }
}
