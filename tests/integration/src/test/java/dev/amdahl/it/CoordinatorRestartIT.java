package dev.amdahl.it;

import dev.amdahl.cli.NodeProcess;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Job state lives in the grid: a coordinator killed mid-job is replaced and the job finishes exactly. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class CoordinatorRestartIT {
  @AutoClose
  private TestCluster cluster;

  @BeforeAll
  void startCluster() {
    cluster = TestCluster.start("coordinator-restart", 2, Map.of());
  }

  @Test
  void aRestartedCoordinatorPicksUpRunningJobsAndFinishesThem() {
    String sleep = cluster.submit("sleep", new JsonObject().put("tasks", 40).put("millis", 250), null);
    String primes = cluster.submit("primes", new JsonObject().put("from", 1).put("to", 200_000_000), 200);
    Await.until("the jobs to make progress", Duration.ofSeconds(60), () -> cluster.done(sleep) > 2);

    NodeProcess old = cluster.cluster.coordinators().get(0);
    old.kill();
    int port = URI.create(cluster.cluster.url()).getPort();
    cluster.cluster.startCoordinator(port).awaitReady(Duration.ofSeconds(180));

    assertEquals(new JsonObject().put("sleeps", 40L).put("millis", 10_000L), cluster.awaitSuccess(sleep).getJsonObject("result"));
    assertEquals(11_078_937L, cluster.awaitSuccess(primes).getJsonObject("result").getLong("count"));
  }
}
