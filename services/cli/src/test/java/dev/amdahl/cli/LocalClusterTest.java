package dev.amdahl.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalClusterTest {
  /** Binding port 0 picks from the kernel's range for outgoing connections, where a racing connect can take the port. */
  @Test
  void picksFreePortsBelowTheKernelsRangeForOutgoingConnections() throws IOException {
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    int kernelFrom = Files.isReadable(range) ? Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]) : 32_768;
    for (int i = 0; i < 50; i++) {
      int port = LocalCluster.freePort();
      assertTrue(port >= 1024 && port < Math.max(kernelFrom, 21_000), "port " + port + ", the kernel's range starts at " + kernelFrom);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertTrue(socket.isBound());
      }
    }
  }
}
