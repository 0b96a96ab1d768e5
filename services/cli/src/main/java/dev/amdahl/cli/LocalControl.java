package dev.amdahl.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The cluster controls that the dashboard offers under {@code ./amdahl local}: add a worker,
 * stop one gracefully (SIGTERM), kill one (SIGKILL), and roll every worker to a new version
 * label. The worker processes are this JVM's children, so the controls live here, in a small
 * HTTP server bound to loopback. Its URL carries a random token and is given only to the
 * coordinator ({@value #ENV}), which passes the page's requests on.
 */
public final class LocalControl implements AutoCloseable {
  /** The environment variable that tells the coordinator where the controls are. */
  public static final String ENV = "AMDAHL_LOCAL_CONTROL_URL";
  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,31}");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(90);

  private final HttpServer server;
  private final String token;
  private final ExecutorService executor;
  private final Map<String, String> versions = new ConcurrentHashMap<>();
  private volatile LocalCluster cluster;
  private volatile String version;
  private volatile JsonObject roll = new JsonObject().put("state", "idle");
  private volatile Thread rolling;

  private LocalControl(HttpServer server, String token, ExecutorService executor) {
    this.server = server;
    this.token = token;
    this.executor = executor;
  }

  /** Starts listening on a free loopback port; the controls act once {@link #control} gives them a cluster. */
  public static LocalControl open() {
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    String token = HexFormat.of().formatHex(secret);
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
      Thread thread = new Thread(runnable, "amdahl-control-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      LocalControl control = new LocalControl(server, token, executor);
      server.createContext("/" + token + "/", control::handle);
      server.setExecutor(executor);
      server.start();
      return control;
    } catch (IOException e) {
      executor.shutdownNow();
      throw new UncheckedIOException("could not open the local cluster controls on loopback", e);
    }
  }

  /** The URL the coordinator passes requests on to. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + token;
  }

  /** The environment that gives the coordinator these controls. */
  public Map<String, String> env() {
    return Map.of(ENV, url());
  }

  /** The cluster whose workers these controls act on. */
  public LocalControl control(LocalCluster cluster) {
    this.cluster = cluster;
    return this;
  }

  @Override
  public void close() {
    Thread thread = rolling;
    if (thread != null) {
      thread.interrupt();
    }
    server.stop(0);
    executor.shutdownNow();
  }

  // ---- requests

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath().substring(token.length() + 1);
      String method = exchange.getRequestMethod();
      Reply reply;
      try {
        reply = route(method, path, exchange.getRequestBody().readNBytes(4096));
      } catch (RuntimeException e) {
        reply = new Reply(500, error("the control failed: " + e.getMessage()));
      }
      byte[] body = reply.body().encode().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("content-type", "application/json");
      exchange.sendResponseHeaders(reply.status(), body.length);
      exchange.getResponseBody().write(body);
    }
  }

  private record Reply(int status, JsonObject body) {
  }

  private Reply route(String method, String path, byte[] body) {
    LocalCluster target = cluster;
    if (target == null) {
      return new Reply(503, error("the local cluster is still starting"));
    }
    String[] parts = path.split("/");
    if (method.equals("GET") && path.equals("/status")) {
      return new Reply(200, status(target));
    }
    if (!method.equals("POST")) {
      return new Reply(405, error(method + " " + path + " is not a control"));
    }
    if (path.equals("/workers")) {
      NodeProcess worker = startWorker(target);
      return new Reply(202, new JsonObject().put("started", worker.nodeId()).put("version", label(worker)));
    }
    if (parts.length == 4 && parts[1].equals("workers") && (parts[3].equals("stop") || parts[3].equals("kill"))) {
      return workerAction(target, parts[2], parts[3]);
    }
    if (path.equals("/roll")) {
      return startRoll(target, body);
    }
    return new Reply(404, error("no control at " + method + " " + path));
  }

  private JsonObject status(LocalCluster target) {
    JsonArray workers = new JsonArray();
    for (NodeProcess worker : target.workers()) {
      if (worker.isAlive()) {
        workers.add(new JsonObject().put("nodeId", worker.nodeId()).put("name", worker.name())
            .put("pid", worker.pid()).put("version", label(worker)));
      }
    }
    return new JsonObject().put("workers", workers).put("version", version).put("roll", roll);
  }

  private Reply workerAction(LocalCluster target, String nodeId, String action) {
    Optional<NodeProcess> found = target.workers().stream()
        .filter(worker -> worker.nodeId().equals(nodeId) && worker.isAlive())
        .findFirst();
    if (found.isEmpty()) {
      return new Reply(404, error("no running worker " + nodeId + " was started by this ./amdahl local"));
    }
    NodeProcess worker = found.get();
    if (action.equals("stop")) {
      worker.terminate();
      return new Reply(202, new JsonObject().put("stopping", nodeId).put("signal", "SIGTERM"));
    }
    executor.execute(worker::kill);
    return new Reply(202, new JsonObject().put("killed", nodeId).put("signal", "SIGKILL"));
  }

  private NodeProcess startWorker(LocalCluster target) {
    String label = version;
    NodeProcess worker = target.startWorker(label == null ? Map.of() : Map.of("AMDAHL_VERSION", label));
    if (label != null) {
      versions.put(worker.nodeId(), label);
    }
    return worker;
  }

  private String label(NodeProcess worker) {
    return versions.get(worker.nodeId());
  }

  // ---- rolling upgrade

  private synchronized Reply startRoll(LocalCluster target, byte[] body) {
    String to;
    try {
      to = new JsonObject(new String(body, StandardCharsets.UTF_8)).getString("version");
    } catch (DecodeException | ClassCastException e) {
      return new Reply(400, error("send {\"version\": \"label\"}"));
    }
    if (to == null || !VERSION.matcher(to).matches()) {
      return new Reply(400, error("version must be 1 to 32 letters, digits or . _ + - (starting with a letter or digit)")
          .put("field", "version"));
    }
    if ("running".equals(roll.getString("state"))) {
      return new Reply(409, error("a roll to " + roll.getString("version") + " is under way; wait for it to finish"));
    }
    List<NodeProcess> old = target.workers().stream()
        .filter(worker -> worker.isAlive() && !to.equals(label(worker)))
        .toList();
    version = to;
    roll = progress(to, old.size(), 0, "starting");
    Thread thread = new Thread(() -> roll(target, to, old), "amdahl-roll");
    thread.setDaemon(true);
    rolling = thread;
    thread.start();
    return new Reply(202, roll);
  }

  /** One worker at a time: start one on the new version, wait until it is ready, then stop one old one gracefully. */
  private void roll(LocalCluster target, String to, List<NodeProcess> old) {
    int replaced = 0;
    try {
      for (NodeProcess retiring : old) {
        if (!retiring.isAlive()) {
          continue;
        }
        NodeProcess fresh = startWorker(target);
        roll = progress(to, old.size(), replaced, "waiting for " + fresh.nodeId() + " to be ready");
        fresh.awaitReady(READY_TIMEOUT);
        roll = progress(to, old.size(), replaced, "draining " + retiring.nodeId());
        if (!retiring.stop(DRAIN_TIMEOUT)) {
          retiring.kill();
        }
        replaced++;
      }
      roll = progress(to, old.size(), replaced, "done").put("state", "done");
    } catch (RuntimeException e) {
      roll = progress(to, old.size(), replaced, "stopped: " + e.getMessage()).put("state", "failed");
    }
  }

  private static JsonObject progress(String to, int total, int replaced, String step) {
    return new JsonObject().put("state", "running").put("version", to).put("total", total)
        .put("replaced", replaced).put("step", step);
  }

  private static JsonObject error(String message) {
    return new JsonObject().put("error", message);
  }
}
