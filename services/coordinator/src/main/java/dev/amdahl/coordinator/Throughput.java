package dev.amdahl.coordinator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tasks completed per second, by version and by node, counted from the task-done events
 * and closed once a second: the throughput chart and the version mix under it.
 */
final class Throughput {
  private static final int RATE_WINDOW = 3;

  private final int keepPoints;
  private final Deque<JsonObject> points = new ArrayDeque<>();
  private final Deque<Map<String, Double>> nodeRates = new ArrayDeque<>();
  private Map<String, Integer> byVersion = new TreeMap<>();
  private Map<String, Integer> byNode = new HashMap<>();
  private long openedAt;

  Throughput(int keepPoints, long now) {
    this.keepPoints = keepPoints;
    this.openedAt = now;
  }

  /** One task finished on {@code node}, which runs {@code version}. */
  void record(String node, String version) {
    record(node, version, 1);
  }

  /** {@code tasks} tasks done at once (a grid entry may hold a group of them). */
  void record(String node, String version, int tasks) {
    byVersion.merge(version == null ? "?" : version, tasks, Integer::sum);
    byNode.merge(node == null ? "?" : node, tasks, Integer::sum);
  }

  /**
   * Closes the interval that began at the last tick.
   *
   * @param workers ready workers by version right now
   * @return the point: {t, rate (tasks/s), byVersion {version: tasks/s}, workers {version: count}}
   */
  JsonObject tick(long now, Map<String, Integer> workers) {
    double seconds = Math.max(0.001, (now - openedAt) / 1000.0);
    JsonObject versions = new JsonObject();
    int total = 0;
    for (var entry : byVersion.entrySet()) {
      versions.put(entry.getKey(), round(entry.getValue() / seconds));
      total += entry.getValue();
    }
    Map<String, Double> rates = new HashMap<>();
    byNode.forEach((node, count) -> rates.put(node, count / seconds));
    nodeRates.addLast(rates);
    while (nodeRates.size() > RATE_WINDOW) {
      nodeRates.removeFirst();
    }
    JsonObject workerMix = new JsonObject();
    new TreeMap<>(workers).forEach(workerMix::put);
    JsonObject point = new JsonObject()
        .put("t", now)
        .put("rate", round(total / seconds))
        .put("byVersion", versions)
        .put("workers", workerMix);
    points.addLast(point);
    while (points.size() > keepPoints) {
      points.removeFirst();
    }
    byVersion = new TreeMap<>();
    byNode = new HashMap<>();
    openedAt = now;
    return point;
  }

  /** Tasks per second finished on {@code node}, averaged over the last few ticks. */
  double rate(String node) {
    if (nodeRates.isEmpty()) {
      return 0;
    }
    double sum = 0;
    for (Map<String, Double> rates : nodeRates) {
      sum += rates.getOrDefault(node, 0.0);
    }
    return round(sum / nodeRates.size());
  }

  JsonArray history() {
    JsonArray out = new JsonArray();
    points.forEach(out::add);
    return out;
  }

  private static double round(double value) {
    return Math.round(value * 10) / 10.0;
  }
}
