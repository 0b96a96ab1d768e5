package dev.amdahl.it;

import dev.amdahl.cli.NodeProcess;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
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
 * Heartbeats: a worker frozen with SIGSTOP (not dead, so membership does not notice) stops
 * pulsing, loses its leases, and its tasks run elsewhere; when it wakes, its late work does
 * not count. A worker that pulses keeps a task longer than its lease.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class HeartbeatsIT {
  private TestCluster cluster;

  @BeforeAll
  void startCluster() {
    // Membership must not notice the freeze (as with a long GC pause or a stalled VM): only the
    // missing pulse, through lease expiry (4 s here), takes the tasks back.
    cluster = TestCluster.start("heartbeats", 2, Map.of("AMDAHL_MEMBER_TIMEOUT_SECONDS", "120"));
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.cluster.workers().forEach(w -> w.signal("CONT"));
      cluster.close();
    }
  }

  @Test
  void aFrozenWorkerLosesItsLeasesItsTasksRunElsewhereAndItsLateResultsDoNotCount() {
    NodeProcess frozen = cluster.cluster.workers().get(0);
    double expiredBefore = Metrics.sum(cluster.coordinatorHttp(), "amdahl_lease_expirations_total")
        + Metrics.sum(cluster.coordinatorHttp(), "amdahl_tasks_requeued_total");
    // The registry shows what a worker held at its last pulse: right after another test's job,
    // it can still show that job's tasks. Idle first, so that holding tasks means this job's.
    Await.until(frozen.name() + " to hold no tasks", Duration.ofSeconds(60), () -> held(frozen) == 0);
    String id = cluster.submit("sleep", new JsonObject().put("tasks", 24).put("millis", 1_000), null);
    Await.until(frozen.name() + " to hold tasks", Duration.ofSeconds(60), () -> held(frozen) > 0);

    frozen.signal("STOP");
    Await.until("the API to show the frozen worker's pulse growing old", Duration.ofSeconds(30), () -> {
      JsonObject member = cluster.member(frozen);
      return member == null || member.getLong("pulseAgeMillis", 0L) > 2_000;
    });
    JsonObject job = cluster.awaitSuccess(id);
    frozen.signal("CONT");

    assertEquals(new JsonObject().put("sleeps", 24L).put("millis", 24_000L), job.getJsonObject("result"));
    assertTrue(Metrics.sum(cluster.coordinatorHttp(), "amdahl_lease_expirations_total")
        + Metrics.sum(cluster.coordinatorHttp(), "amdahl_tasks_requeued_total") > expiredBefore,
        "the frozen worker's tasks were taken back");
    Await.until("the woken worker to discard its late work", Duration.ofSeconds(60), () -> lateWorkDiscarded(frozen) > 0);
  }

  @Test
  void aTaskLongerThanItsLeaseRunsOnceWhileItsWorkerPulses() {
    // Tasks of 6 s against leases of 4 s: each lives on renewals alone, the ones waiting for a
    // thread too. A renewal skipped or gone wrong lets a lease lapse, and the reaper takes the
    // task back to run again.
    double takenBack = Metrics.sum(cluster.coordinatorHttp(), "amdahl_lease_expirations_total")
        + Metrics.sum(cluster.coordinatorHttp(), "amdahl_tasks_requeued_total");
    String id = cluster.submit("sleep", new JsonObject().put("tasks", 6).put("millis", 6_000), null);
    JsonObject job = cluster.awaitSuccess(id);

    assertEquals(new JsonObject().put("sleeps", 6L).put("millis", 36_000L), job.getJsonObject("result"));
    assertEquals(takenBack, Metrics.sum(cluster.coordinatorHttp(), "amdahl_lease_expirations_total")
        + Metrics.sum(cluster.coordinatorHttp(), "amdahl_tasks_requeued_total"), "tasks whose leases lapsed or were taken back");
  }

  /** The tasks {@code worker} held at its last pulse, as the registry shows them; -1 while it is not in it. */
  private int held(NodeProcess worker) {
    JsonObject member = cluster.member(worker);
    return member == null ? -1 : member.getInteger("inFlight", 0);
  }

  // Late results are duplicates or gone; attempts still running when it wakes find their lease lost.
  private double lateWorkDiscarded(NodeProcess worker) {
    String text = new dev.amdahl.cli.ApiClient(worker.url()).get("/metrics").text();
    double total = 0;
    for (String line : text.split("\n")) {
      boolean late = (line.startsWith("amdahl_tasks_completed_total{") && (line.contains("outcome=\"duplicate\"") || line.contains("outcome=\"gone\"")))
          || (line.startsWith("amdahl_tasks_cancelled_total{") && (line.contains("reason=\"lease_lost\"") || line.contains("reason=\"job_ended\"")));
      if (late) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }
}
