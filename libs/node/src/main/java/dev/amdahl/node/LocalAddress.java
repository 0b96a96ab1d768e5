package dev.amdahl.node;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The address a node that binds every interface ({@code AMDAHL_HOST=0.0.0.0}) is reached on.
 * A container on two networks (the internal cluster network and one with published ports)
 * has two addresses, and only one of them reaches the grid: the one this machine sends
 * from when it talks to the seeds.
 */
final class LocalAddress {
  private static final int DEFAULT_PORT = 5701;
  private static final Map<List<String>, String> CHOSEN = new ConcurrentHashMap<>();

  private LocalAddress() {
  }

  /** The local address routed towards the first seed that resolves; chosen once per process. */
  static String towards(List<String> seeds) {
    return CHOSEN.computeIfAbsent(List.copyOf(seeds), LocalAddress::choose);
  }

  private static String choose(List<String> seeds) {
    for (String seed : seeds) {
      int colon = seed.lastIndexOf(':');
      String host = colon < 0 ? seed : seed.substring(0, colon);
      int port = colon < 0 ? DEFAULT_PORT : Integer.parseInt(seed.substring(colon + 1));
      // Connecting a UDP socket sends nothing: the kernel only picks the route and its source.
      try (DatagramSocket socket = new DatagramSocket()) {
        socket.connect(InetAddress.getByName(host), port);
        InetAddress local = socket.getLocalAddress();
        if (local != null && !local.isAnyLocalAddress()) {
          return local.getHostAddress();
        }
      } catch (IOException | RuntimeException e) {
        // Not resolvable (yet) or not routable: the next seed may be.
      }
    }
    try {
      return InetAddress.getLocalHost().getHostAddress();
    } catch (UnknownHostException e) {
      return "127.0.0.1";
    }
  }
}
