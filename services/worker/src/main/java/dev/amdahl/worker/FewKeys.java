package dev.amdahl.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls for a few keys, one single-key call each, sent together. A call for several keys is
 * fanned out over their partitions on the member's generic threads and gathered again, which
 * costs more than the calls it saves while the keys are few: claims and result writes of up to
 * {@link #MAX} keys go out this way.
 */
final class FewKeys {
  /** Up to this many keys go out as a call each. */
  static final int MAX = 4;

  /** What became of one call: its value, or why it failed (then the value is null). */
  record Answer<R>(R value, Exception failure) {
  }

  private FewKeys() {
  }

  /**
   * Waits for every call, each for at most {@code timeoutSeconds}, even after one failed: a
   * call that went through changed the grid, and its caller must know.
   */
  static <R> List<Answer<R>> awaitAll(List<CompletionStage<R>> calls, long timeoutSeconds) throws InterruptedException {
    List<Answer<R>> answers = new ArrayList<>(calls.size());
    for (CompletionStage<R> call : calls) {
      try {
        answers.add(new Answer<>(call.toCompletableFuture().get(timeoutSeconds, TimeUnit.SECONDS), null));
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        answers.add(new Answer<>(null, e));
      }
    }
    return answers;
  }
}
