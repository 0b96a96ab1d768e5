package dev.amdahl.coordinator;

import dev.amdahl.node.Env;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DashboardConfigTest {

  @Test
  void withoutAControlUrlThePageHasNoClusterControls() {
    DashboardConfig config = DashboardConfig.from(new Env(Map.of()));
    assertFalse(config.localControl());
    assertNull(config.localControlUrl());
    assertEquals(32, config.maxClients());
  }

  @Test
  void acceptsAControlUrlOnLoopback() {
    DashboardConfig config = DashboardConfig.from(new Env(Map.of("AMDAHL_LOCAL_CONTROL_URL", "http://127.0.0.1:4567/abc/")));
    assertTrue(config.localControl());
    assertEquals("http://127.0.0.1:4567/abc", config.localControlUrl());
  }

  @Test
  void refusesAControlUrlThatLeavesThisMachine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DashboardConfig.from(new Env(Map.of("AMDAHL_LOCAL_CONTROL_URL", "http://10.1.2.3:4567/abc"))));
    assertTrue(e.getMessage().contains("AMDAHL_LOCAL_CONTROL_URL"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> DashboardConfig.from(new Env(Map.of("AMDAHL_LOCAL_CONTROL_URL", "file:///etc/passwd"))));
  }
}
