package dev.amdahl.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * A whole cluster as processes on loopback: grid members, a coordinator and workers, each
 * its own JVM. What {@code ./amdahl local} runs and what the integration tests start.
 * Closing it stops every process it started; so does the death of this JVM, since every
 * node watches its parent.
 */
public final class LocalCluster implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
  /** Ports this cluster picks for its nodes lie from here up to where the kernel's own begin. */
  private static final int LOWEST_PICKED_PORT = 20_000;
  private static final int DEFAULT_EPHEMERAL_FROM = 32_768;
  private static final int EPHEMERAL_PORTS_FROM = ephemeralPortsFrom();

  /**
   * @param workers     workers to start
   * @param gridMembers grid members to start
   * @param port        the coordinator's HTTP port (0 picks a free one)
   * @param clusterName the Hazelcast cluster name; clusters with other names never mix
   * @param logs        where each node writes its log
   * @param env         extra environment for every node
   */
  public record Options(int workers, int gridMembers, int port, String clusterName, Path logs, Map<String, String> env) {
  }

  private final Launcher launcher;
  private final Options options;
  private final List<NodeProcess> grid = new CopyOnWriteArrayList<>();
  private final List<NodeProcess> coordinators = new CopyOnWriteArrayList<>();
  private final List<NodeProcess> workers = new CopyOnWriteArrayList<>();
  private final List<Integer> gridPorts = new ArrayList<>();
  private final String token;
  private int nodeCount;

  public LocalCluster(Launcher launcher, Options options) {
    this.launcher = launcher;
    this.options = options;
    this.token = options.env().getOrDefault("AMDAHL_TOKEN", newToken());
  }

  private static String newToken() {
    byte[] random = new byte[24];
    new java.security.SecureRandom().nextBytes(random);
    return java.util.HexFormat.of().formatHex(random);
  }

  /** The API token of this cluster's coordinators. */
  public String token() {
    return token;
  }

  /** Starts the grid, then the coordinator, then the workers; returns when all are ready. */
  public LocalCluster start() {
    try {
      Files.createDirectories(options.logs());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String prepared = launcher.prepare();
    if (prepared != null) {
      System.err.println(prepared);
    }
    for (int i = 0; i < options.gridMembers(); i++) {
      gridPorts.add(freePort());
    }
    List<NodeProcess> starting = new ArrayList<>();
    for (int i = 0; i < options.gridMembers(); i++) {
      starting.add(startGridMember(i));
    }
    starting.forEach(node -> node.awaitReady(READY_TIMEOUT));
    startCoordinator(options.port() == 0 ? freePort() : options.port()).awaitReady(READY_TIMEOUT);
    List<NodeProcess> newWorkers = new ArrayList<>();
    for (int i = 0; i < options.workers(); i++) {
      newWorkers.add(startWorker(Map.of()));
    }
    newWorkers.forEach(node -> node.awaitReady(READY_TIMEOUT));
    return this;
  }

  private NodeProcess startGridMember(int index) {
    Map<String, String> env = new HashMap<>();
    env.put("AMDAHL_HZ_PORT", Integer.toString(gridPorts.get(index)));
    env.put("AMDAHL_ZONE", "zone-" + (char) ('a' + index % 3));
    NodeProcess node = launch("grid", env);
    grid.add(node);
    return node;
  }

  /** Starts a coordinator with its API on {@code port}; does not wait for it. */
  public NodeProcess startCoordinator(int port) {
    NodeProcess node = launch("coordinator", Map.of("AMDAHL_API_PORT", Integer.toString(port), "AMDAHL_TOKEN", token));
    coordinators.add(node);
    return node;
  }

  /** Starts one more worker with extra environment; does not wait for it. */
  public NodeProcess startWorker(Map<String, String> env) {
    NodeProcess node = launch("worker", env);
    workers.add(node);
    return node;
  }

  private synchronized NodeProcess launch(String service, Map<String, String> extra) {
    int number = ++nodeCount;
    Map<String, String> env = new HashMap<>(options.env());
    env.put("AMDAHL_CLUSTER", options.clusterName());
    env.put("AMDAHL_HOST", "127.0.0.1");
    env.put("AMDAHL_SEEDS", gridPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(",")));
    env.put("AMDAHL_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
    env.putIfAbsent("AMDAHL_HTTP_PORT", Integer.toString(freePort()));
    env.putAll(extra);
    String name = service + "-" + number;
    env.putIfAbsent("AMDAHL_NODE_ID", name + "-" + Long.toHexString(System.nanoTime() & 0xffff));
    Path log = options.logs().resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(launcher.command(service))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    try {
      // A coordinator's process is reached on its API port, which also serves its health.
      int metricsPort = Integer.parseInt(env.get("AMDAHL_HTTP_PORT"));
      int port = Integer.parseInt(env.getOrDefault("AMDAHL_API_PORT", env.get("AMDAHL_HTTP_PORT")));
      return new NodeProcess(name, service, builder.start(), port, metricsPort, log, env.get("AMDAHL_NODE_ID"));
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name, e);
    }
  }

  /** The grid members' Hazelcast addresses ({@code host:port}), what every node joins through. */
  public List<String> seeds() {
    return gridPorts.stream().map(p -> "127.0.0.1:" + p).toList();
  }

  public String url() {
    return coordinators.get(0).url();
  }

  public List<NodeProcess> grid() {
    return grid;
  }

  public List<NodeProcess> coordinators() {
    return coordinators;
  }

  public List<NodeProcess> workers() {
    return workers;
  }

  /** Stops workers, then coordinators, then the grid, each gracefully, forcibly if it hangs. */
  @Override
  public void close() {
    stopAll(workers);
    stopAll(coordinators);
    stopAll(grid);
  }

  private static void stopAll(List<NodeProcess> nodes) {
    nodes.stream().filter(NodeProcess::isAlive).forEach(NodeProcess::terminate);
    for (NodeProcess node : nodes) {
      if (!node.awaitExit(Duration.ofSeconds(40))) {
        node.kill();
      }
    }
  }

  /**
   * A TCP port free on loopback right now, below the range the kernel hands out to outgoing
   * connections. A port picked by binding port 0 comes from that range, and between the pick
   * and the node's bind any connection (a member retrying a seed that is not up yet makes a
   * new one every few milliseconds) could take it as its local port.
   */
  public static int freePort() {
    int below = EPHEMERAL_PORTS_FROM;
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST_PICKED_PORT, below);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException taken) {
        // Someone has it: pick again.
      }
    }
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Where the kernel's ports for outgoing connections begin (Linux: the first number of
   * ip_local_port_range; read line by line, as {@code Files.readString} reads one byte of it).
   */
  private static int ephemeralPortsFrom() {
    try {
      int from = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+")[0]);
      return from > LOWEST_PICKED_PORT + 1000 ? from : DEFAULT_EPHEMERAL_FROM;
    } catch (IOException | RuntimeException e) {
      return DEFAULT_EPHEMERAL_FROM;
    }
  }
}
