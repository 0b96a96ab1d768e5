package dev.amdahl.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HealthFileTest {
  @TempDir
  Path dir;

  @Test
  void recordsReadyWithTheCurrentTime() throws Exception {
    Path file = dir.resolve("health");
    HealthFile.from(new Env(Map.of("AMDAHL_HEALTH_FILE", file.toString()))).write(NodeState.READY, true);
    String[] line = Files.readString(file).trim().split(" ");
    assertEquals("READY", line[0]);
    assertTrue(Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(line[1])) <= 2);
  }

  @Test
  void aDrainingOrDisconnectedNodeIsNotReady() throws Exception {
    Path file = dir.resolve("health");
    HealthFile health = HealthFile.from(new Env(Map.of("AMDAHL_HEALTH_FILE", file.toString())));
    health.write(NodeState.READY, false);
    assertTrue(Files.readString(file).startsWith("DOWN "));
    health.write(NodeState.DRAINING, false);
    assertTrue(Files.readString(file).startsWith("DRAINING "));
    assertFalse(Files.exists(dir.resolve("health.tmp")));
  }

  @Test
  void writesNothingWhenNoFileIsConfigured() throws Exception {
    HealthFile.from(new Env(Map.of())).write(NodeState.READY, true);
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
  }
}
