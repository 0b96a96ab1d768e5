package dev.amdahl.coordinator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per client on job submission: each client may submit {@code burst} jobs at
 * once and {@code ratePerSecond} on average, so one client's flood neither overloads the
 * coordinator nor starves the others. Thread-safe.
 */
final class SubmitRateLimiter {
  private static final int MAX_CLIENTS = 10_000;

  private final double ratePerSecond;
  private final double burst;
  private final Map<String, double[]> buckets = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
      return size() > MAX_CLIENTS;
    }
  };

  SubmitRateLimiter(double ratePerSecond, int burst) {
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
  }

  /** Takes a token for {@code client}; returns 0 if it got one, else the millis until it will. */
  synchronized long tryAcquire(String client, long nowNanos) {
    double[] bucket = buckets.computeIfAbsent(client, c -> new double[] {burst, nowNanos});
    double tokens = Math.min(burst, bucket[0] + (nowNanos - bucket[1]) / 1e9 * ratePerSecond);
    bucket[1] = nowNanos;
    if (tokens >= 1) {
      bucket[0] = tokens - 1;
      return 0;
    }
    bucket[0] = tokens;
    return (long) Math.ceil((1 - tokens) / ratePerSecond * 1000);
  }
}
