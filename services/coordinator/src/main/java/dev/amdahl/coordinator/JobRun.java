package dev.amdahl.coordinator;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

/**
 * What the leader knows about one running job: which tasks are done, how long they took,
 * which were replicated. Rebuilt from the grid when a coordinator takes over; touched only on
 * the leader thread.
 */
final class JobRun {
  final String id;
  final String kind;
  final JsonObject params;
  final int total;
  final long startedNanos = System.nanoTime();
  /** When the job is cancelled for its deadline (epoch millis), or 0 for never. */
  final long deadlineAt;
  final Set<String> replicated = new HashSet<>();
  int replicasWon;
  int doneCount;
  int persistedCount = -1;
  private final BitSet done;
  private long[] micros = new long[16];
  private int timed;

  JobRun(JsonObject job) {
    this.id = job.getString("id");
    this.kind = job.getString("kind");
    this.params = job.getJsonObject("params");
    this.total = job.getInteger("tasks");
    this.done = new BitSet(total);
    Integer deadlineSeconds = job.getInteger("deadlineSeconds");
    this.deadlineAt = deadlineSeconds == null ? 0
        : Instant.parse(job.getString("submittedAt")).toEpochMilli() + deadlineSeconds * 1000L;
  }

  /** Marks a task done; false if it already was. */
  boolean markDone(int index) {
    if (index < 0 || index >= total || done.get(index)) {
      return false;
    }
    done.set(index);
    doneCount++;
    return true;
  }

  void recordDuration(long taskMicros) {
    if (timed == micros.length) {
      micros = Arrays.copyOf(micros, timed * 2);
    }
    micros[timed++] = taskMicros;
  }

  /** The median duration of the tasks done so far, or -1 before three are. */
  long typicalMicros() {
    if (timed < 3) {
      return -1;
    }
    long[] sorted = Arrays.copyOf(micros, timed);
    Arrays.sort(sorted);
    return sorted[timed / 2];
  }

  void forgetDone() {
    done.clear();
    doneCount = 0;
  }

  boolean complete() {
    return doneCount == total;
  }

  boolean pastDeadline(long now) {
    return deadlineAt > 0 && now > deadlineAt;
  }
}
