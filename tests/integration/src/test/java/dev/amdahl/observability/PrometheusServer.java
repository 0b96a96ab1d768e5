package dev.amdahl.observability;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server on loopback, run from the host's binary. A small shell watchdog
 * stops it when the test JVM dies, however it dies; {@link #close()} stops it at once.
 */
final class PrometheusServer implements AutoCloseable {
  // Runs Prometheus in the background; stops it on TERM, or when the JVM that started it is gone.
  private static final String WATCHDOG = "parent=$1; shift; \"$@\" & child=$!; "
      + "trap 'kill $child 2>/dev/null; wait $child; exit 0' TERM INT; "
      + "while kill -0 $parent 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1; done; "
      + "kill $child 2>/dev/null; wait $child";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Process process;
  private final String base;
  private final Path log;

  private PrometheusServer(Process process, int port, Path log) {
    this.process = process;
    this.base = "http://127.0.0.1:" + port;
    this.log = log;
  }

  /** Starts Prometheus with {@code config}, keeping its data in {@code dataDir}; returns when it is ready. */
  static PrometheusServer start(Path config, Path dataDir, int port, Path log, Duration timeout) throws IOException {
    List<String> command = new ArrayList<>(List.of("sh", "-c", WATCHDOG, "prometheus-watchdog",
        Long.toString(ProcessHandle.current().pid()), PromTools.require("prometheus").toString(),
        "--config.file=" + config,
        "--storage.tsdb.path=" + dataDir,
        "--storage.tsdb.retention.time=1h",
        "--web.listen-address=127.0.0.1:" + port));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    PrometheusServer server = new PrometheusServer(process, port, log);
    try {
      server.awaitReady(timeout);
    } catch (RuntimeException | Error e) {
      server.close();
      throw e;
    }
    return server;
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Prometheus exited with status " + process.exitValue() + " before it was ready:\n" + logText());
      }
      if (status("/-/ready") == 200) {
        return;
      }
      pause(200);
    }
    throw new IllegalStateException("Prometheus was not ready within " + timeout.toSeconds() + " s:\n" + logText());
  }

  String url() {
    return base;
  }

  String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** An instant query at {@code time}: the API's whole answer, an error included. */
  JsonObject query(String promql, Instant time) {
    return get("/api/v1/query?query=" + encode(promql) + "&time=" + seconds(time));
  }

  JsonObject queryRange(String promql, Instant start, Instant end, Duration step) {
    return get("/api/v1/query_range?query=" + encode(promql) + "&start=" + seconds(start) + "&end=" + seconds(end)
        + "&step=" + step.toSeconds());
  }

  JsonArray labelValues(String label, String match) {
    JsonObject answer = get("/api/v1/label/" + label + "/values?match[]=" + encode(match));
    return answer.getJsonArray("data", new JsonArray());
  }

  JsonArray activeTargets() {
    return get("/api/v1/targets?state=active").getJsonObject("data").getJsonArray("activeTargets");
  }

  JsonArray ruleGroups() {
    return get("/api/v1/rules").getJsonObject("data").getJsonArray("groups");
  }

  private JsonObject get(String path) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new JsonObject(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach Prometheus at " + base + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private int status(String path) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(2)).build();
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static String seconds(Instant time) {
    return String.format(java.util.Locale.ROOT, "%.3f", time.toEpochMilli() / 1000.0);
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops Prometheus (and its watchdog); kills both if they do not stop within 20 s. */
  @Override
  public void close() {
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle child : all) {
      if (child.isAlive()) {
        child.destroyForcibly();
      }
    }
  }
}
