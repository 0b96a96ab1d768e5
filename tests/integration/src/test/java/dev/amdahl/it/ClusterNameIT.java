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
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The cluster name keeps clusters apart: a node told the right seeds but another cluster
 * name is refused by the grid, never becomes a member, and never takes a task.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterNameIT {
  @AutoClose
  private TestCluster cluster;

  @BeforeAll
  void startCluster() {
    cluster = TestCluster.start("cluster-name", 1, Map.of());
  }

  @Test
  void aNodeWithAnotherClusterNameCannotJoin() {
    int membersBefore = cluster.members().size();
    NodeProcess intruder = cluster.cluster.startWorker(Map.of("AMDAHL_CLUSTER", "not-" + "the-cluster"));
    // Refused by the grid, it either gives up (a lite member alone has no data member to
    // join) or runs alone; either way its join attempt is over.
    Await.until("the intruder to give up or come up alone", Duration.ofSeconds(180),
        () -> !intruder.isAlive() || isLive(intruder));

    String id = cluster.submit("sleep", new JsonObject().put("tasks", 10).put("millis", 50), null);
    assertEquals("SUCCEEDED", cluster.awaitEnd(id).getString("state"));

    assertEquals(membersBefore, cluster.members().size(), "no new member: " + cluster.members().encode());
    assertFalse(cluster.members().encode().contains(intruder.nodeId()), "the intruder is not listed");
    if (intruder.isAlive()) {
      assertEquals(0.0, Metrics.sum(intruder.metricsUrl(), "amdahl_tasks_claimed_total"), "the intruder took no task");
    }
  }

  private static boolean isLive(NodeProcess node) {
    try {
      return new ApiClient(node.url()).get("/health/live").status() == 200;
    } catch (ApiClient.ApiException e) {
      return false;
    }
  }
}
