package dev.amdahl.it;

import dev.amdahl.cli.NodeProcess;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node that cannot start says why and goes: one whose port another process holds exits at
 * once with status 1 and a log line naming the port and the setting to change, instead of
 * living on, joined but unreachable and never ready.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StartupFailuresIT {
  @AutoClose
  private TestCluster cluster;

  @BeforeAll
  void startCluster() {
    cluster = TestCluster.start("startup-failures", 0, Map.of());
  }

  @Test
  void aNodeWhosePortIsTakenExitsAtOnceAndSaysWhichPort() throws IOException {
    try (ServerSocket holder = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = holder.getLocalPort();
      NodeProcess worker = cluster.cluster.startWorker(Map.of("AMDAHL_HTTP_PORT", Integer.toString(port)));

      assertTrue(worker.awaitExit(Duration.ofSeconds(120)), "the worker is still running; see " + worker.log());
      assertEquals(1, worker.exitValue());
      String log = Files.readString(worker.log());
      assertTrue(log.contains("cannot listen on 127.0.0.1:" + port), log);
      assertTrue(log.contains("AMDAHL_HTTP_PORT"), log);
      Await.until("the worker to be gone from the cluster's members", Duration.ofSeconds(30),
          () -> !cluster.members().encode().contains(worker.nodeId()));
      assertFalse(cluster.members().encode().contains(worker.nodeId()));
    }
  }
}
