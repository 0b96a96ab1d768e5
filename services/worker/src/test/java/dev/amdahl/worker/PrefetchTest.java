package dev.amdahl.worker;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PrefetchTest {
  private static final int THREADS = 2;
  private static final int BASE = 4;
  private static final int MAX = 512;

  /** A worker whose pulls take 2 ms, and which has measured one task of {@code job} at {@code micros}. */
  private static Prefetch measured(String job, long micros) {
    Prefetch prefetch = new Prefetch(THREADS, BASE, MAX);
    prefetch.pulled(2_000);
    prefetch.ran(job, micros);
    return prefetch;
  }

  @Test
  void aJobNotMeasuredYetGetsTheBaseWindow() {
    Prefetch prefetch = new Prefetch(THREADS, BASE, MAX);
    prefetch.pulled(2_000);
    assertEquals(BASE, prefetch.limit("new-job"));
    assertEquals(BASE, prefetch.window().room(0));
    assertEquals(1, prefetch.window().room(3));
    assertEquals(0, prefetch.window().room(4));
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
    prefetch.pulled(30_000);
    prefetch.ran("short", 1_000);
    // 2 threads finish 2 × 30 ms / 1 ms = 60 tasks per pull; two pulls ahead: 120, plus the 2 running.
    assertEquals(122, prefetch.limit("short"));
    assertEquals(122 - 10, prefetch.window().room(10));
  }

  @Test
  void shortTasksGetAtLeastABatchOfWorkPerThreadAndArePulledInBatches() {
    Prefetch prefetch = measured("10ms", 10_000);
    // Little's law asks for 2 × 2 × 2 / 10 = 1 ahead; a batch of 50 ms per thread is 10.
    assertEquals(12, prefetch.limit("10ms"));
    assertEquals(12, prefetch.window().room(0));
    assertEquals(5, prefetch.window().room(7), "half of the 10 ahead has run: pull 5");
    assertEquals(0, prefetch.window().room(8), "4 to pull: wait until they are 5");
    assertEquals(1, prefetch.window().endsShortOfRoom(8), "one more task end makes 5 to pull");
    assertEquals(5, prefetch.window().endsShortOfRoom(12));
    assertEquals(0, prefetch.window().endsShortOfRoom(7));
  }

  @Test
  void noOpTasksAreCappedAtTheMaximum() {
    Prefetch prefetch = measured("noop", 0);
    assertEquals(MAX, prefetch.limit("noop"));
  }

  @Test
  void longTasksNeverGetMoreThanTheBase() {
    Prefetch prefetch = measured("long", 100_000);
    assertEquals(BASE, prefetch.limit("long"));
  }

  @Test
  void theWindowOfLongTasksIsRefilledOnlyOnceNothingWaits() {
    Prefetch prefetch = measured("long", 100_000);
    // 2 running and 2 waiting; one waiting task started: no pull for it alone.
    assertEquals(0, prefetch.window().room(3));
    assertEquals(1, prefetch.window().endsShortOfRoom(3), "the puller need not wake before the next task ends");
    assertEquals(2, prefetch.window().endsShortOfRoom(4), "nor before two have ended, with all four held");
    assertEquals(2, prefetch.window().room(2), "both threads busy and nothing waiting: one pull for two tasks");
    assertEquals(0, prefetch.window().endsShortOfRoom(2));
    assertEquals(3, prefetch.window().room(1));
  }

  @Test
  void longTasksHoldTwoWaitingPerThreadWhileTheQueuesHavePlenty() {
    Prefetch prefetch = measured("long", 100_000);
    prefetch.plenty(true);
    assertEquals(BASE + THREADS, prefetch.limit("long"));
    // 2 running and 4 waiting: refilled once all four have started, four in one pull.
    assertEquals(0, prefetch.window().room(3));
    assertEquals(1, prefetch.window().endsShortOfRoom(3));
    assertEquals(4, prefetch.window().room(2));
    prefetch.plenty(false);
    assertEquals(BASE, prefetch.limit("long"), "near a job's end: one waiting task per thread again");
    assertEquals(2, prefetch.window().room(2));
  }

  @Test
  void plentyDeepensTheWindowOfLongTasksOnly() {
    Prefetch prefetch = measured("10ms", 10_000);
    prefetch.plenty(true);
    assertEquals(12, prefetch.limit("10ms"));
    assertEquals(BASE, prefetch.limit("not-measured-yet"));
  }

  @Test
  void aShortJobBesideALongOneKeepsRefillingAtHalf() {
    Prefetch prefetch = measured("long", 100_000);
    prefetch.ran("10ms", 10_000);
    // The 10 ms job's window is 12: 10 ahead, refilled once 5 of them have run.
    assertEquals(5, prefetch.window().room(7));
    assertEquals(0, prefetch.window().room(8));
  }

  @Test
  void theRoomIsThatOfTheDeepestJobUntilItEnds() {
    Prefetch prefetch = measured("long", 100_000);
    prefetch.ran("short", 100);
    assertEquals(MAX, prefetch.window().room(0));
    prefetch.forget("short");
    assertEquals(BASE, prefetch.window().room(0));
  }

  @Test
  void measurementsAreMovingAverages() {
    Prefetch prefetch = new Prefetch(THREADS, BASE, MAX);
    prefetch.pulled(1_000);
    prefetch.pulled(2_000);
    assertEquals(1_200, prefetch.pullMicros(), 1e-9);
    prefetch.ran("job", 41_000);
    prefetch.ran("job", 91_000);
    // t = 41000 + 0.2 × 50000 = 51000 µs: a batch of 50 ms per thread is 2 × 50 / 51, so 1 ahead of the 2 threads.
    assertEquals(BASE, prefetch.limit("job"));
    prefetch.ran("job", 1_000);
    // t = 51000 - 0.2 × 50000 = 41000 µs: 2 × 50 / 41 = 2.4, so 3 ahead of the 2 threads.
    assertEquals(5, prefetch.limit("job"));
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
