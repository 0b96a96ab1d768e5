package dev.amdahl.worker;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PrefetchTest {
  private static final int THREADS = 2;
  private static final int BASE = 4;
  private static final int MAX = 512;

  @Test
  void aJobNotMeasuredYetGetsTheBaseWindow() {
    Prefetch prefetch = new Prefetch(THREADS, BASE, MAX);
    prefetch.pulled(2_000);
    assertEquals(BASE, prefetch.limit("new-job"));
    assertEquals(BASE, prefetch.room(0));
    assertEquals(1, prefetch.room(3));
    assertEquals(0, prefetch.room(4));
  }

  @Test
  void withoutAPullMeasuredEveryJobGetsTheBaseWindow() {
    Prefetch prefetch = new Prefetch(THREADS, BASE, MAX);
    prefetch.ran("short", 10);
    assertEquals(BASE, prefetch.limit("short"));
  }

  @Test
  void shortTasksGetAWindowThatCoversTwoPulls() {
    Prefetch prefetch = new Prefetch(THREADS, BASE, MAX);
    prefetch.pulled(2_000);
    prefetch.ran("short", 100);
    // 2 threads finish 2 × 2 ms / 0.1 ms = 40 tasks per pull; two pulls ahead: 80, plus the 2 running.
    assertEquals(82, prefetch.limit("short"));
    assertEquals(82 - 10, prefetch.room(10));
  }

  @Test
  void noOpTasksAreCappedAtTheMaximum() {
    Prefetch prefetch = new Prefetch(THREADS, BASE, MAX);
    prefetch.pulled(2_000);
    prefetch.ran("noop", 0);
    assertEquals(MAX, prefetch.limit("noop"));
  }

  @Test
  void longTasksNeverGetMoreThanTheBase() {
    Prefetch prefetch = new Prefetch(THREADS, BASE, MAX);
    prefetch.pulled(2_000);
    prefetch.ran("long", 100_000);
    assertEquals(BASE, prefetch.limit("long"));
  }

  @Test
  void theRoomIsThatOfTheDeepestJobUntilItEnds() {
    Prefetch prefetch = new Prefetch(THREADS, BASE, MAX);
    prefetch.pulled(2_000);
    prefetch.ran("long", 100_000);
    prefetch.ran("short", 100);
    assertEquals(82, prefetch.room(0));
    prefetch.forget("short");
    assertEquals(BASE, prefetch.room(0));
  }

  @Test
  void measurementsAreMovingAverages() {
    Prefetch prefetch = new Prefetch(THREADS, BASE, MAX);
    prefetch.pulled(1_000);
    prefetch.pulled(2_000);
    assertEquals(1_200, prefetch.pullMicros(), 1e-9);
    prefetch.ran("job", 1_000);
    prefetch.ran("job", 11_000);
    // t = 1000 + 0.2 × 10000 = 3000 µs: 2 × 2 × 1200 / 3000 = 1.6, so 2 ahead of the 2 threads.
    assertEquals(BASE, prefetch.limit("job"));
  }

  @Test
  void aMaximumBelowTheBaseWins() {
    Prefetch prefetch = new Prefetch(1, 2, 1);
    prefetch.pulled(2_000);
    prefetch.ran("noop", 0);
    assertEquals(1, prefetch.limit("noop"));
    assertEquals(1, prefetch.limit("unknown"));
  }
}
