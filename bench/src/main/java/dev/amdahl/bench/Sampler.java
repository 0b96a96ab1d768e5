package dev.amdahl.bench;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/** Follows one job's progress in the background: completed tasks over time. */
final class Sampler {
  private static final long EVERY_MILLIS = 250;

  private final JobRunner jobs;
  private final String id;
  private final long start = System.nanoTime();
  private final List<double[]> samples = new ArrayList<>();
  private volatile boolean running = true;
  private final Thread thread;

  Sampler(JobRunner jobs, String id) {
    this.jobs = jobs;
    this.id = id;
    this.thread = new Thread(this::loop, "bench-sampler");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  void stop() {
    running = false;
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void loop() {
    while (running) {
      try {
        JsonObject job = jobs.job(id);
        int done = job.getJsonObject("progress", new JsonObject()).getInteger("done", 0);
        synchronized (samples) {
          samples.add(new double[] {seconds(), done});
        }
      } catch (RuntimeException e) {
        // a missed sample; the next one covers it
      }
      try {
        Thread.sleep(EVERY_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  double seconds() {
    return (System.nanoTime() - start) / 1e9;
  }

  /** Tasks done by the latest sample. */
  long done() {
    synchronized (samples) {
      return samples.isEmpty() ? 0 : (long) samples.get(samples.size() - 1)[1];
    }
  }

  /** Tasks per second between two moments, from the samples nearest them. */
  double rate(double from, double to) {
    double[] a = nearest(from);
    double[] b = nearest(to);
    return b[0] <= a[0] ? 0 : (b[1] - a[1]) / (b[0] - a[0]);
  }

  private double[] nearest(double at) {
    synchronized (samples) {
      double[] best = samples.get(0);
      for (double[] sample : samples) {
        if (Math.abs(sample[0] - at) < Math.abs(best[0] - at)) {
          best = sample;
        }
      }
      return best;
    }
  }

  /** Sample times (s), one per one-second window. */
  double[] times() {
    return windows()[0];
  }

  /** Tasks per second over each one-second window. */
  double[] rates() {
    return windows()[1];
  }

  private double[][] windows() {
    synchronized (samples) {
      List<double[]> points = new ArrayList<>();
      int back = (int) (1000 / EVERY_MILLIS);
      for (int i = back; i < samples.size(); i++) {
        double[] a = samples.get(i - back);
        double[] b = samples.get(i);
        points.add(new double[] {b[0], (b[1] - a[1]) / (b[0] - a[0])});
      }
      return new double[][] {points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray()};
    }
  }
}
