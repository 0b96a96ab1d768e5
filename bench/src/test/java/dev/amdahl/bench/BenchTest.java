package dev.amdahl.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BenchTest {
  @Test
  void theMedianOfAnOddCountIsTheMiddleValueWhateverTheOrder() {
    assertEquals(0.97, Bench.median(List.of(0.99, 0.92, 0.97)), 1e-12);
  }

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertEquals(0.95, Bench.median(List.of(0.96, 0.94)), 1e-12);
    assertEquals(2.5, Bench.median(List.of(4.0, 1.0, 3.0, 2.0)), 1e-12);
  }

  @Test
  void theEfficiencyIsTheLowerOfTheMedianOfPairsAndTheBestOfEach() {
    // The 100 ms runs of 2026-12-07 before the deeper pulls: two slow local runs lifted the
    // median of pairs to 0.991, while each side's best run gave 0.973.
    assertEquals(0.973, Bench.efficiency(List.of(0.973, 0.992, 0.991), 0.973), 1e-12);
    // A lucky Amdahl run lifts the best of each; the median of pairs holds.
    assertEquals(0.983, Bench.efficiency(List.of(1.0, 0.983, 0.982), 0.991), 1e-12);
  }

  @Test
  void thePairsSpreadIsTheirSampleStandardDeviation() {
    assertEquals(0.99, Bench.mean(List.of(0.98, 0.99, 1.0)), 1e-12);
    assertEquals(0.01, Bench.standardDeviation(List.of(0.98, 0.99, 1.0)), 1e-12);
    assertEquals(Math.sqrt(0.5), Bench.standardDeviation(List.of(1.0, 2.0)), 1e-12);
    assertEquals(Double.NaN, Bench.standardDeviation(List.of(0.99)));
  }

  @Test
  void aPairsDifferenceSplitsIntoTheTasksCpuTheirWaitsAndIdleThreads() {
    // The first 100 ms pair of the thirteenth round's full run, on 2 cores.
    JsonObject local = new JsonObject().put("tasks", 20.644).put("tasksWaitedForCpu", 0.464);
    JsonObject amdahl = new JsonObject().put("tasks", 20.745).put("tasksWaitedForCpu", 0.685);
    JsonObject gap = Bench.gap(2, 10.606, local, 10.827, amdahl);
    assertEquals(0.442, gap.getDouble("total"), 1e-9);
    assertEquals(0.101, gap.getDouble("tasksCpu"), 1e-9);
    assertEquals(0.221, gap.getDouble("tasksWaitedForCpu"), 1e-9);
    assertEquals(0.120, gap.getDouble("taskThreadsIdle"), 1e-9);
    JsonObject none = Bench.gap(2, 10.0, local, 10.0, local);
    JsonObject mean = Bench.meanOf(List.of(gap, none));
    assertEquals(0.221, mean.getDouble("total"), 1e-9);
    assertEquals(0.06, mean.getDouble("taskThreadsIdle"), 1e-9);
  }

  @Test
  void theClustersCpuBesideTheTasksIsComparedBetweenTheSides() {
    // The idle cluster during two local runs (its worker's task threads did nothing), and the
    // same cluster during the two Amdahl runs.
    JsonArray duringLocal = new JsonArray()
        .add(new JsonObject().put("tasks", 0.0).put("other.grid", 0.11).put("total", 0.30))
        .add(new JsonObject().put("tasks", 0.001).put("total", 0.321));
    JsonArray duringAmdahl = new JsonArray()
        .add(new JsonObject().put("tasks", 20.3).put("total", 20.72))
        .add(new JsonObject().put("tasks", 20.2).put("total", 20.6));
    JsonObject beside = Bench.besideTasks(duringLocal, duringAmdahl);
    assertEquals(0.31, beside.getDouble("duringLocal"), 1e-9);
    assertEquals(0.41, beside.getDouble("duringAmdahl"), 1e-9);
    assertEquals(0.1, beside.getDouble("difference"), 1e-9);
  }
}
