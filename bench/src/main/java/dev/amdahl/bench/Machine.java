package dev.amdahl.bench;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine the numbers came from. */
final class Machine {
  private Machine() {
  }

  static JsonObject describe() {
    return new JsonObject()
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("cpu", cpuModel())
        .put("memoryMiB", memoryMiB())
        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
        .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
        .put("loadAverageAtStart", Math.round(java.lang.management.ManagementFactory.getOperatingSystemMXBean()
            .getSystemLoadAverage() * 100) / 100.0);
  }

  private static String cpuModel() {
    return field(Path.of("/proc/cpuinfo"), "model name", "unknown");
  }

  private static long memoryMiB() {
    String kb = field(Path.of("/proc/meminfo"), "MemTotal", "0").replaceAll("[^0-9]", "");
    return kb.isEmpty() ? 0 : Long.parseLong(kb) / 1024;
  }

  private static String field(Path file, String name, String fallback) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(name)) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      return fallback;
    }
    return fallback;
  }
}
