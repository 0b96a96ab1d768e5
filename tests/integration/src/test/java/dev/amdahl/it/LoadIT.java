package dev.amdahl.it;

import dev.amdahl.cli.ApiClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many clients at once submit small jobs and poll them for a bounded time: the rate limiter
 * holds (429s come back), nothing but 2xx and 429 comes back, and every accepted job ends
 * with the exact answer. The p99 of status calls is reported, not asserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class LoadIT {
  private static final int CLIENTS = 12;
  private static final long RUN_MILLIS = 20_000;

  @AutoClose
  private TestCluster cluster;

  @BeforeAll
  void startCluster() {
    cluster = TestCluster.start("load", 2, Map.of("AMDAHL_SUBMIT_BURST", "20", "AMDAHL_SUBMIT_RATE", "10"));
  }

  @Test
  void manyClientsAtOnceGetOnly2xxOr429AndNoAcceptedJobIsLost() throws Exception {
    Set<String> accepted = ConcurrentHashMap.newKeySet();
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    List<Long> statusMicros = Collections.synchronizedList(new ArrayList<>());
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    long end = System.currentTimeMillis() + RUN_MILLIS;
    List<Future<?>> work = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      work.add(clients.submit(() -> {
        ApiClient api = new ApiClient(cluster.cluster.url(), cluster.cluster.token());
        List<String> mine = new ArrayList<>();
        while (System.currentTimeMillis() < end) {
          ApiClient.Response submitted = api.post("/api/jobs", "{\"kind\":\"primes\",\"params\":{\"from\":1,\"to\":100000},\"tasks\":2}");
          count(statuses, submitted.status());
          if (submitted.status() == 202) {
            String id = submitted.json().getString("id");
            accepted.add(id);
            mine.add(id);
          }
          for (String id : mine.subList(Math.max(0, mine.size() - 3), mine.size())) {
            long start = System.nanoTime();
            ApiClient.Response status = api.get("/api/jobs/" + id);
            statusMicros.add((System.nanoTime() - start) / 1000);
            count(statuses, status.status());
          }
        }
        return null;
      }));
    }
    for (Future<?> f : work) {
      f.get(5, TimeUnit.MINUTES);
    }
    clients.shutdown();

    List<Long> sorted = new ArrayList<>(statusMicros);
    Collections.sort(sorted);
    long p99 = sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.99) - 1));
    System.out.printf("load: %d clients for %d s, statuses %s, %d jobs accepted, status calls p50 %d µs p99 %d µs over %d calls%n",
        CLIENTS, RUN_MILLIS / 1000, statuses, accepted.size(), sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2), p99, sorted.size());

    assertTrue(statuses.keySet().stream().allMatch(s -> s == 200 || s == 202 || s == 429), "only 2xx and 429: " + statuses);
    assertTrue(statuses.containsKey(429), "the rate limiter refused some submissions: " + statuses);
    assertTrue(accepted.size() >= 20, "the limiter let the burst and the rate through: " + accepted.size());
    for (String id : accepted) {
      JsonObject job = cluster.awaitSuccess(id);
      assertEquals(9_592L, job.getJsonObject("result").getLong("count"), id);
    }
  }

  private static void count(Map<Integer, AtomicInteger> statuses, int status) {
    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
  }
}
