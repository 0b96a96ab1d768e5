package dev.amdahl.it;

import dev.amdahl.cli.NodeProcess;
import dev.amdahl.jobs.JobResult;
import dev.amdahl.jobs.JobSpec;
import dev.amdahl.jobs.SingleProcess;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every job kind gives the exact answer on a real cluster, with one worker and with
 * several: compared with known values and with a single-process run of the same spec.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ExactResultsIT {
  private static final JsonObject PI = new JsonObject().put("samples", 20_000_000L).put("seed", 7);
  private static final JsonObject MANDELBROT = new JsonObject().put("width", 320).put("height", 240)
      .put("maxIterations", 300).put("centerX", -0.7).put("centerY", 0.1).put("scale", 2.5);

  @AutoClose
  private TestCluster cluster;

  @BeforeAll
  void startCluster() {
    cluster = TestCluster.start("exact", 1, Map.of());
  }

  @Test
  @Order(1)
  void computesExactAnswersWithOneWorker() {
    runEveryKind();
  }

  @Test
  @Order(2)
  void computesTheSameAnswersWithSeveralWorkersSharingTheWork() {
    List<NodeProcess> added = List.of(cluster.cluster.startWorker(Map.of()), cluster.cluster.startWorker(Map.of()));
    added.forEach(worker -> worker.awaitReady(Duration.ofSeconds(180)));
    Map<String, Long> before = completedByWorker();

    runEveryKind();

    Map<String, Long> after = completedByWorker();
    long workersThatHelped = after.entrySet().stream()
        .filter(e -> e.getValue() > before.getOrDefault(e.getKey(), 0L))
        .count();
    assertTrue(workersThatHelped >= 2, "tasks were spread over several workers: " + before + " -> " + after);
  }

  @Test
  @Order(3)
  void groupsTheTasksOfBigJobsIntoFewerGridEntriesAndStaysExact() {
    double acceptedBefore = acceptedByWorkers();
    String primes = cluster.submit("primes", new JsonObject().put("from", 1).put("to", 100_000_000), 3000);
    String pi = cluster.submit("pi", PI, 1000);
    String mandelbrot = cluster.submit("mandelbrot", MANDELBROT, 300);

    JsonObject primesJob = cluster.awaitSuccess(primes);
    assertEquals(5_761_455L, primesJob.getJsonObject("result").getLong("count"));
    assertEquals(12, primesJob.getInteger("tasksPerEntry"), "3000 tasks in 250 entries of 12: " + primesJob.encode());
    assertEquals(new JsonObject().put("total", 3000).put("done", 3000), primesJob.getJsonObject("progress"));

    JsonObject piJob = cluster.awaitSuccess(pi);
    assertEquals(4, piJob.getInteger("tasksPerEntry"));
    JobResult piReference = SingleProcess.run(JobSpec.parse(new JsonObject().put("kind", "pi").put("params", PI).put("tasks", 1000)));
    assertEquals(piReference.summary(), piJob.getJsonObject("result"), "grouped partials merge to the single-process answer");

    JsonObject mandelbrotJob = cluster.awaitSuccess(mandelbrot);
    assertEquals(1, mandelbrotJob.getInteger("tasksPerEntry"), "tiles stay one per entry: the dashboard draws each as it lands");

    // A client may choose: a big job with a task per entry, a small one grouped.
    String ungrouped = cluster.api.submit(new JsonObject().put("kind", "sleep")
        .put("params", new JsonObject().put("tasks", 300).put("millis", 0)).put("tasksPerEntry", 1));
    JsonObject ungroupedJob = cluster.awaitSuccess(ungrouped);
    assertEquals(1, ungroupedJob.getInteger("tasksPerEntry"));
    assertEquals(new JsonObject().put("sleeps", 300L).put("millis", 0L), ungroupedJob.getJsonObject("result"));
    String grouped = cluster.api.submit(new JsonObject().put("kind", "pi").put("params", PI).put("tasks", 16).put("tasksPerEntry", 5));
    JsonObject groupedJob = cluster.awaitSuccess(grouped);
    assertEquals(5, groupedJob.getInteger("tasksPerEntry"), "16 tasks in entries of 5, 5, 5 and 1");
    JobResult pi16 = SingleProcess.run(JobSpec.parse(new JsonObject().put("kind", "pi").put("params", PI).put("tasks", 16)));
    assertEquals(pi16.summary(), groupedJob.getJsonObject("result"));

    // The workers count tasks, not entries: 4616 results accepted, none twice. Read from their
    // own metrics (the registry's counts lag by a pulse), which follow the grid's verdict by
    // moments: the leader may see a result in the grid before its worker has counted it.
    Await.until("the workers to count 4616 accepted results", Duration.ofSeconds(10),
        () -> acceptedByWorkers() - acceptedBefore == 4616.0);
    assertEquals(4616.0, acceptedByWorkers() - acceptedBefore, "and not one more");
  }

  private void runEveryKind() {
    String primes = cluster.submit("primes", new JsonObject().put("from", 1).put("to", 100_000_000), 40);
    String pi = cluster.submit("pi", PI, 16);
    String mandelbrot = cluster.submit("mandelbrot", MANDELBROT, 24);
    String sleep = cluster.submit("sleep", new JsonObject().put("tasks", 12).put("millis", 50), null);

    JsonObject primesJob = cluster.awaitSuccess(primes);
    assertEquals(5_761_455L, primesJob.getJsonObject("result").getLong("count"));
    assertTimelineMeasuresTheSerialPart(primesJob.getJsonObject("timeline"));

    JobResult piReference = SingleProcess.run(JobSpec.parse(new JsonObject().put("kind", "pi").put("params", PI).put("tasks", 16)));
    assertEquals(piReference.summary(), cluster.awaitSuccess(pi).getJsonObject("result"));

    cluster.awaitSuccess(mandelbrot);
    JobResult png = SingleProcess.run(JobSpec.parse(new JsonObject().put("kind", "mandelbrot").put("params", MANDELBROT).put("tasks", 24)));
    var response = cluster.api.get("/api/jobs/" + mandelbrot + "/result");
    assertEquals("image/png", response.contentType());
    assertArrayEquals(png.attachment(), response.body(), "the cluster's PNG is byte-identical to a single-process render");

    assertEquals(new JsonObject().put("sleeps", 12L).put("millis", 600L), cluster.awaitSuccess(sleep).getJsonObject("result"));
  }

  private void assertTimelineMeasuresTheSerialPart(JsonObject timeline) {
    for (String phase : List.of("splitMillis", "dispatchMillis", "queueWaitMillis", "executionMillis", "mergeMillis", "runMillis")) {
      assertTrue(timeline.getLong(phase, -1L) >= 0, phase + " in " + timeline.encode());
    }
    assertTrue(timeline.getLong("executionMillis") > 0, "the tasks' run time is summed: " + timeline.encode());
    double serialFraction = timeline.getDouble("serialFraction");
    assertTrue(serialFraction >= 0 && serialFraction < 1, timeline.encode());
    assertTrue(Metrics.sum(cluster.coordinatorHttp(), "amdahl_job_serial_fraction_count") > 0, "and exported as a metric");
  }

  private double acceptedByWorkers() {
    return cluster.cluster.workers().stream().filter(NodeProcess::isAlive)
        .mapToDouble(worker -> Metrics.sum(worker.metricsUrl(), "amdahl_tasks_completed_total", "outcome=\"accepted\""))
        .sum();
  }

  private Map<String, Long> completedByWorker() {
    Map<String, Long> completed = new HashMap<>();
    for (NodeProcess worker : cluster.cluster.workers()) {
      completed.put(worker.name(), cluster.completedBy(worker));
    }
    return completed;
  }
}
