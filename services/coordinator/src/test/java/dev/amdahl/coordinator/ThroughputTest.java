package dev.amdahl.coordinator;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ThroughputTest {

  @Test
  void countsTasksPerSecondByVersionOverTheTimeSinceTheLastTick() {
    Throughput throughput = new Throughput(10, 0);
    for (int i = 0; i < 30; i++) {
      throughput.record("w1", "1.0");
    }
    for (int i = 0; i < 10; i++) {
      throughput.record("w2", "2.0");
    }
    JsonObject point = throughput.tick(2000, Map.of("1.0", 1, "2.0", 1));
    assertEquals(20.0, point.getDouble("rate"));
    assertEquals(15.0, point.getJsonObject("byVersion").getDouble("1.0"));
    assertEquals(5.0, point.getJsonObject("byVersion").getDouble("2.0"));
    assertEquals(1, point.getJsonObject("workers").getInteger("2.0"));
    assertEquals(2000L, point.getLong("t"));
  }

  @Test
  void aNodesRateIsTheAverageOfItsLastFewTicks() {
    Throughput throughput = new Throughput(10, 0);
    for (int second = 1; second <= 4; second++) {
      for (int i = 0; i < second * 10; i++) {
        throughput.record("w1", "1.0");
      }
      throughput.tick(second * 1000L, Map.of());
    }
    assertEquals(30.0, throughput.rate("w1"));
    assertEquals(0.0, throughput.rate("w-unknown"));
  }

  @Test
  void keepsOnlyTheNewestPoints() {
    Throughput throughput = new Throughput(3, 0);
    for (int second = 1; second <= 5; second++) {
      throughput.tick(second * 1000L, Map.of());
    }
    assertEquals(3, throughput.history().size());
    assertEquals(3000L, throughput.history().getJsonObject(0).getLong("t"));
  }
}
