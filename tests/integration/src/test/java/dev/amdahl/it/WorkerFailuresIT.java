package dev.amdahl.it;

import dev.amdahl.cli.NodeProcess;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Workers come and go while jobs run — added, stopped gracefully, killed — and every job
 * still ends with the exact answer: each task counted once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class WorkerFailuresIT {
  private static final Duration READY = Duration.ofSeconds(180);
  private static final JsonObject SLEEP = new JsonObject().put("tasks", 40).put("millis", 300);
  private static final JsonObject SLEPT = new JsonObject().put("sleeps", 40L).put("millis", 12_000L);

  @AutoClose
  private TestCluster cluster;

  @BeforeAll
  void startCluster() {
    cluster = TestCluster.start("worker-failures", 1, Map.of());
  }

  @Test
  @Order(1)
  void aWorkerAddedMidJobStartsTakingTasksAtOnce() {
    // Long enough for one worker that a new JVM joins well before the end, even on a busy machine.
    String job = cluster.submit("sleep", new JsonObject().put("tasks", 300).put("millis", 200), null);
    Await.until("the job to make progress", READY, () -> cluster.done(job) > 0);

    NodeProcess added = cluster.cluster.startWorker(Map.of());
    added.awaitReady(READY);
    Await.until("the added worker to complete tasks", READY, () -> cluster.completedBy(added) > 0);

    assertTrue(cluster.done(job) < 300, "the added worker took tasks while the job was still running");
    assertEquals(new JsonObject().put("sleeps", 300L).put("millis", 60_000L), cluster.awaitSuccess(job).getJsonObject("result"));
  }

  @Test
  @Order(2)
  void aWorkerStoppedGracefullyMidJobLosesNoTask() throws Exception {
    NodeProcess leaving = cluster.cluster.workers().get(0);
    double takenBack = Metrics.sum(cluster.coordinatorHttp(), "amdahl_tasks_requeued_total", "reason=\"owner_left\"");
    String job = cluster.submit("sleep", SLEEP, null);
    awaitHolding(leaving);

    assertTrue(leaving.stop(Duration.ofSeconds(60)), "the worker drained and exited after SIGTERM");

    assertEquals(SLEPT, cluster.awaitSuccess(job).getJsonObject("result"));
    assertEquals(takenBack, Metrics.sum(cluster.coordinatorHttp(), "amdahl_tasks_requeued_total", "reason=\"owner_left\""),
        "a worker that drains hands its tasks back itself: none is left for the leader to take from it");
    String log = Files.readString(leaving.log());
    assertTrue(log.contains("drained:") && log.contains("left the cluster"),
        "the shutdown hook's lines reach the log (the JDK's own hook must not close it first):\n"
            + log.substring(Math.max(0, log.length() - 2000)));
  }

  @Test
  @Order(3)
  void tasksOfAWorkerKilledMidJobRunElsewhereAndCountOnce() {
    cluster.cluster.startWorker(Map.of()).awaitReady(READY);
    NodeProcess victim = cluster.cluster.workers().stream().filter(NodeProcess::isAlive).findFirst().orElseThrow();
    double requeuedBefore = Metrics.sum(cluster.coordinatorHttp(), "amdahl_tasks_requeued_total");
    String sleep = cluster.submit("sleep", SLEEP, null);
    String primes = cluster.submit("primes", new JsonObject().put("from", 1).put("to", 200_000_000), 200);
    awaitHolding(victim);

    victim.kill();

    assertEquals(SLEPT, cluster.awaitSuccess(sleep).getJsonObject("result"));
    assertEquals(11_078_937L, cluster.awaitSuccess(primes).getJsonObject("result").getLong("count"));
    assertTrue(Metrics.sum(cluster.coordinatorHttp(), "amdahl_tasks_requeued_total") > requeuedBefore,
        "the killed worker's tasks were requeued");
  }

  private void awaitHolding(NodeProcess worker) {
    Await.until(worker.name() + " to hold tasks", READY, () -> {
      JsonObject member = cluster.member(worker);
      return member != null && member.getInteger("inFlight", 0) > 0;
    });
  }
}
