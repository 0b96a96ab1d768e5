package dev.amdahl.node;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The measurements that gauges need before a scrape reads them ({@link NodeRuntime#measureWhenScraped}).
 * A scrape starts each one that has not run within its interval, on the executor, and waits
 * for them a bounded time: a measurement still running then (a member that does not answer)
 * leaves its gauges at their last values for this scrape, and is not started again while it
 * runs. A measurement that fails is reported; the others run as usual.
 */
final class ScrapeMeasures {
  private final List<Measure> measures = new CopyOnWriteArrayList<>();
  private final LongSupplier nanoClock;
  private final Executor executor;
  private final Consumer<RuntimeException> onFailure;

  ScrapeMeasures(LongSupplier nanoClock, Executor executor, Consumer<RuntimeException> onFailure) {
    this.nanoClock = nanoClock;
    this.executor = executor;
    this.onFailure = onFailure;
  }

  void add(long millis, Runnable measure) {
    measures.add(new Measure(TimeUnit.MILLISECONDS.toNanos(millis), measure));
  }

  /**
   * Before a scrape: starts each measurement that is due and waits up to {@code waitMillis}
   * for it and for any still running from an earlier scrape.
   */
  void refresh(long waitMillis) {
    List<CompletableFuture<Void>> running = new ArrayList<>();
    for (Measure measure : measures) {
      CompletableFuture<Void> run = measure.start();
      if (run != null) {
        running.add(run);
      }
    }
    try {
      CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(waitMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // Read what the last runs found; the late ones finish for a later scrape.
    } catch (ExecutionException e) {
      // Cannot happen: each run reports its own failure.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Measure {
    private final long everyNanos;
    private final Runnable measure;
    private long ranAt;
    /** The last run (null: none yet). */
    private CompletableFuture<Void> running;

    Measure(long everyNanos, Runnable measure) {
      this.everyNanos = everyNanos;
      this.measure = measure;
    }

    /** The run to wait for: one still running, a new one if due, else none. */
    synchronized CompletableFuture<Void> start() {
      if (running != null && !running.isDone()) {
        return running;
      }
      long now = nanoClock.getAsLong();
      if (running != null && now - ranAt < everyNanos) {
        return null;
      }
      ranAt = now;
      running = CompletableFuture.runAsync(() -> {
        try {
          measure.run();
        } catch (RuntimeException e) {
          onFailure.accept(e);
        }
      }, executor);
      return running;
    }
  }
}
