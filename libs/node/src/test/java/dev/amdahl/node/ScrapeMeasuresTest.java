package dev.amdahl.node;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScrapeMeasuresTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final List<RuntimeException> failures = new ArrayList<>();
  private final ExecutorService executor = Executors.newSingleThreadExecutor();
  private final ScrapeMeasures measures = new ScrapeMeasures(nanos::get, executor, failures::add);

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private void advanceMillis(long millis) {
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  @Test
  void nothingIsMeasuredUntilAScrapeAsks() {
    AtomicInteger runs = new AtomicInteger();
    measures.add(2000, runs::incrementAndGet);
    advanceMillis(60_000);
    assertEquals(0, runs.get(), "no scrape, no measuring");
    measures.refresh(5000);
    assertEquals(1, runs.get(), "the first scrape measures, and waits for it");
  }

  @Test
  void aScrapeWithinTheIntervalReadsTheLastMeasurement() {
    AtomicInteger runs = new AtomicInteger();
    measures.add(2000, runs::incrementAndGet);
    measures.refresh(5000);
    advanceMillis(1999);
    measures.refresh(5000);
    assertEquals(1, runs.get(), "scraped again within 2 s: not measured again");
    advanceMillis(1);
    measures.refresh(5000);
    assertEquals(2, runs.get(), "2 s after the last run: measured again");
  }

  @Test
  void eachMeasurementKeepsItsOwnInterval() {
    AtomicInteger often = new AtomicInteger();
    AtomicInteger seldom = new AtomicInteger();
    measures.add(1000, often::incrementAndGet);
    measures.add(5000, seldom::incrementAndGet);
    for (int i = 0; i < 5; i++) {
      measures.refresh(5000);
      advanceMillis(1000);
    }
    assertEquals(5, often.get());
    assertEquals(1, seldom.get());
  }

  @Test
  void aFailedMeasurementIsReportedAndTheOthersStillRun() {
    AtomicInteger after = new AtomicInteger();
    IllegalStateException broken = new IllegalStateException("the grid is gone");
    measures.add(2000, () -> {
      throw broken;
    });
    measures.add(2000, after::incrementAndGet);
    measures.refresh(5000);
    assertEquals(List.of(broken), failures);
    assertEquals(1, after.get(), "the measurement after the failed one ran");
    measures.refresh(5000);
    assertEquals(1, failures.size(), "a failed run counts as a run: not retried within its interval");
  }

  @Test
  void aMeasurementThatHangsDelaysAScrapeOnlyByTheWaitAndRunsOnce() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    measures.add(2000, () -> {
      started.incrementAndGet();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    long t0 = System.nanoTime();
    measures.refresh(200);
    long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(waitedMillis >= 200 && waitedMillis < 5000, "the scrape waited " + waitedMillis + " ms");
    advanceMillis(10_000);
    measures.refresh(50);
    assertEquals(1, started.get(), "a measurement still running is waited for, not started again");
    release.countDown();
  }
}
