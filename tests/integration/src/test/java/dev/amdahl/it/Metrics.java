package dev.amdahl.it;

import dev.amdahl.cli.ApiClient;

/** Reads one metric from a node's Prometheus text. */
final class Metrics {
  private Metrics() {
  }

  /** The sum of every series of {@code name} (labels ignored) that {@code nodeUrl}/metrics reports. */
  static double sum(String nodeUrl, String name) {
    return sum(nodeUrl, name, "");
  }

  /** The sum of the series of {@code name} whose labels contain {@code label}, e.g. {@code reason="owner_left"}. */
  static double sum(String nodeUrl, String name, String label) {
    String text = new ApiClient(nodeUrl).get("/metrics").text();
    double total = 0;
    for (String line : text.split("\n")) {
      if ((line.startsWith(name + "{") || line.startsWith(name + " ")) && line.contains(label)) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }
}
