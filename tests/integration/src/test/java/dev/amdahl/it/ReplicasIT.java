package dev.amdahl.it;

import dev.amdahl.cli.NodeProcess;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replicated requests: with one artificially slow worker, the leader asks idle workers for
 * replicas of its straggling tasks, the first result wins, the loser is cancelled and its
 * work counted as wasted, and the job ends in about the fast workers' time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ReplicasIT {
  private static final int SLOWDOWN = 20;
  private static final int TASK_MILLIS = 400;

  @AutoClose
  private TestCluster cluster;
  private NodeProcess slow;

  @BeforeAll
  void startCluster() {
    cluster = TestCluster.start("replicas", 0, Map.of());
    slow = cluster.cluster.startWorker(Map.of("AMDAHL_SLOWDOWN", Integer.toString(SLOWDOWN)));
    List<NodeProcess> fast = List.of(cluster.cluster.startWorker(Map.of()), cluster.cluster.startWorker(Map.of()));
    slow.awaitReady(Duration.ofSeconds(180));
    fast.forEach(worker -> worker.awaitReady(Duration.ofSeconds(180)));
  }

  @Test
  void replicasOfASlowWorkersTasksWinAndTheJobEndsInTheFastWorkersTime() {
    JsonObject job = cluster.awaitSuccess(cluster.submit("sleep", new JsonObject().put("tasks", 16).put("millis", TASK_MILLIS), null));

    assertEquals(new JsonObject().put("sleeps", 16L).put("millis", 16L * TASK_MILLIS), job.getJsonObject("result"));
    JsonObject replicas = job.getJsonObject("replicas");
    assertTrue(replicas.getInteger("issued") >= 1 && replicas.getInteger("won") >= 1, replicas.encode());
    long slowTaskMillis = (long) TASK_MILLIS * SLOWDOWN;
    long took = job.getJsonObject("timeline").getLong("runMillis");
    assertTrue(took < slowTaskMillis, "the job took " + took + " ms; one task on the slow worker takes " + slowTaskMillis + " ms");
    Await.until("the slow worker's superseded attempts to be counted as wasted", Duration.ofSeconds(30),
        () -> Metrics.sum(slow.url(), "amdahl_work_wasted_seconds_total") > 0);
  }
}
