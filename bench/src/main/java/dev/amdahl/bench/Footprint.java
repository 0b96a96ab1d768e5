package dev.amdahl.bench;

import dev.amdahl.cli.ApiClient;
import dev.amdahl.cli.NodeProcess;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a node process costs: resident memory from /proc, heap from its own /metrics. */
final class Footprint {
  private Footprint() {
  }

  static JsonObject of(NodeProcess node) {
    return new JsonObject().put("node", node.name()).put("service", node.service())
        .put("rssMiB", round(rssMiB(node.pid()))).put("heapUsedMiB", round(heapMiB(node)));
  }

  /** VmRSS of {@code pid} in MiB, or NaN when it cannot be read. */
  static double rssMiB(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }

  /** Heap in use in MiB: the sum of jvm_memory_used_bytes{area="heap"} on its /metrics. */
  static double heapMiB(NodeProcess node) {
    return Metrics.sum(node, "jvm_memory_used_bytes", "area=\"heap\"") / (1024.0 * 1024.0);
  }

  static double round(double value) {
    return Math.round(value * 10) / 10.0;
  }

  /** Reads Prometheus text from a node. */
  static final class Metrics {
    private Metrics() {
    }

    /** The sum of every sample of {@code name} whose labels contain {@code label}; 0 when unreachable. */
    static double sum(NodeProcess node, String name, String label) {
      String text;
      try {
        ApiClient.Response response = new ApiClient(node.metricsUrl()).get("/metrics");
        if (response.status() != 200) {
          return 0;
        }
        text = response.text();
      } catch (ApiClient.ApiException e) {
        return 0;
      }
      double sum = 0;
      for (String line : text.split("\n")) {
        if (line.startsWith(name + "{") && line.contains(label)) {
          try {
            sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          } catch (NumberFormatException ignored) {
            // not a sample line
          }
        }
      }
      return sum;
    }
  }
}
