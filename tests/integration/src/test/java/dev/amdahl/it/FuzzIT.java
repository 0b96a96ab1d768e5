package dev.amdahl.it;

import dev.amdahl.cli.ApiClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 10,000 malformed and hostile requests against a live coordinator: bad JSON, wrong types,
 * huge, negative and non-finite numbers, odd unicode, oversized and truncated bodies, slow
 * clients, unknown paths and methods. Never a 5xx, never a crash, memory stays bounded, and a
 * valid job afterwards gets the exact answer. Bounded in count and time; loopback only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class FuzzIT {
  private static final int REQUESTS = 10_000;
  private static final String[] KINDS = {"primes", "pi", "mandelbrot", "sleep", "PRIMES", "", "nope", "\u0000", "💥"};
  private static final String[] FIELDS = {"from", "to", "samples", "seed", "width", "height", "maxIterations",
      "centerX", "centerY", "scale", "tasks", "millis", "failRate", "failTask", "hangTask", "hangMillis", "x", "", "__proto__"};
  private static final String[] VALUES = {"0", "-1", "1", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
      "1e308", "1e309", "-1e309", "NaN", "Infinity", "-0", "0.5", "3.14159", "1e-400", "\"1\"", "\"\"", "null", "true",
      "[]", "{}", "[1,2,3]", "\"\\u0000\"", "\"\\ud800\"", "\"💥\"", "99999999999999999999999999999999999"};
  private static final String[] PATHS = {"/api/jobs", "/api/jobs/", "/api/jobs/..%2F..%2Fetc", "/api/jobs/%00",
      "/api/jobs/" + "a".repeat(300), "/api/jobs/x/result", "/api/cluster/x", "/api/", "/api", "/nope", "/%ff", "/api/jobs?x=1"};
  private static final String[] METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"};

  @AutoClose
  private TestCluster cluster;

  @BeforeAll
  void startCluster() {
    // No worker until the end: jobs the fuzzer happens to get accepted only queue up.
    cluster = TestCluster.start("fuzz", 0, Map.of("AMDAHL_SUBMIT_BURST", "1000000", "AMDAHL_SUBMIT_RATE", "100000"));
  }

  @Test
  void hostileRequestsNeverGetA5xxNorBreakTheCoordinator() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    List<String> serverErrors = java.util.Collections.synchronizedList(new ArrayList<>());
    double heapBefore = heapUsed();
    ExecutorService clients = Executors.newFixedThreadPool(8);
    List<Future<?>> work = new ArrayList<>();
    for (int c = 0; c < 8; c++) {
      int seed = c;
      work.add(clients.submit(() -> {
        Random random = new Random(seed);
        for (int i = 0; i < REQUESTS / 8; i++) {
          HttpRequest request = hostile(random);
          try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
            if (status >= 500) {
              serverErrors.add(status + " for " + request.method() + " " + request.uri());
            }
          } catch (IOException | InterruptedException e) {
            serverErrors.add("no answer for " + request.method() + " " + request.uri() + ": " + e);
          }
        }
        return null;
      }));
    }
    slowClients();
    for (Future<?> f : work) {
      f.get(8, TimeUnit.MINUTES);
    }
    clients.shutdown();

    System.out.println("fuzz statuses: " + statuses);
    assertTrue(serverErrors.isEmpty(), serverErrors.size() + " bad answers, e.g. " + serverErrors.subList(0, Math.min(5, serverErrors.size())));
    assertEquals(REQUESTS, statuses.values().stream().mapToInt(AtomicInteger::get).sum());
    assertTrue(cluster.cluster.coordinators().get(0).isAlive(), "the coordinator is still up");
    double heapAfter = heapUsed();
    assertTrue(heapAfter < 384 * 1024 * 1024, "heap stays bounded: " + heapBefore + " -> " + heapAfter);

    // Jobs the fuzzer got accepted are cancelled; then a worker joins and a valid job is exact.
    for (Object o : cluster.api.get("/api/jobs").json().getJsonArray("jobs")) {
      cluster.api.delete("/api/jobs/" + ((JsonObject) o).getString("id"));
    }
    cluster.cluster.startWorker(Map.of()).awaitReady(Duration.ofSeconds(180));
    String id = cluster.submit("primes", new JsonObject().put("from", 1).put("to", 10_000_000), 8);
    assertEquals(664_579L, cluster.awaitSuccess(id).getJsonObject("result").getLong("count"));
  }

  private HttpRequest hostile(Random random) {
    String method = random.nextInt(3) == 0 ? METHODS[random.nextInt(METHODS.length)] : "POST";
    String path = random.nextInt(4) == 0 ? PATHS[random.nextInt(PATHS.length)] : "/api/jobs";
    String body = body(random);
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(cluster.cluster.url() + path))
        .timeout(Duration.ofSeconds(30))
        .header("content-type", random.nextInt(10) == 0 ? "text/plain" : "application/json");
    if (random.nextInt(20) != 0) {
      builder.header("authorization", "Bearer " + (random.nextInt(30) == 0 ? "wrong" : cluster.cluster.token()));
    }
    return builder.method(method, method.equals("GET") || method.equals("HEAD") || method.equals("DELETE")
        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
  }

  private static String body(Random random) {
    return switch (random.nextInt(8)) {
      case 0 -> "{\"kind\":\"primes\",\"params\":{\"from\":1,\"to\":" + "9".repeat(1 + random.nextInt(40));
      case 1 -> "x".repeat(random.nextInt(200_000));
      case 2 -> randomBytes(random);
      case 3 -> "[" + "[".repeat(random.nextInt(5000));
      default -> spec(random);
    };
  }

  private static String spec(Random random) {
    StringBuilder params = new StringBuilder("{");
    int fields = random.nextInt(5);
    for (int f = 0; f < fields; f++) {
      params.append(f == 0 ? "" : ",").append('"').append(FIELDS[random.nextInt(FIELDS.length)]).append("\":")
          .append(VALUES[random.nextInt(VALUES.length)]);
    }
    params.append('}');
    String spec = "{\"kind\":\"" + KINDS[random.nextInt(KINDS.length)] + "\",\"params\":" + params
        + (random.nextBoolean() ? ",\"tasks\":" + VALUES[random.nextInt(VALUES.length)] : "") + "}";
    return random.nextInt(6) == 0 ? spec.substring(0, random.nextInt(spec.length())) : spec;
  }

  private static String randomBytes(Random random) {
    byte[] bytes = new byte[random.nextInt(2000)];
    random.nextBytes(bytes);
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  // A few clients that send half a request and stall, and one that trickles its body.
  private void slowClients() throws IOException {
    URI uri = URI.create(cluster.cluster.url());
    for (int i = 0; i < 5; i++) {
      try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
        socket.setSoTimeout(2000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /api/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{\"kind\":").getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
    }
  }

  private double heapUsed() {
    String metrics = new ApiClient(cluster.coordinatorHttp()).get("/metrics").text();
    double total = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }
}
