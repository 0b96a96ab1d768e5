package dev.amdahl.coordinator;

import com.hazelcast.core.HazelcastJsonValue;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
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
  /** How many consecutive tasks each grid entry holds (the last may hold fewer); see {@link TaskGroups}. */
  final int perEntry;
  final long startedNanos = System.nanoTime();
  /** When the job is cancelled for its deadline (epoch millis), or 0 for never. */
  final long deadlineAt;
  final Set<String> replicated = new HashSet<>();
  /** Replicated tasks whose first result came in: their other runners were told to stop. */
  final Set<String> superseded = new HashSet<>();
  int replicasWon;
  /** The job's record as the leader last stored it, or null: its next update starts from it. */
  HazelcastJsonValue stored;
  int doneCount;
  /** The progress last written into the job's record, and when (epoch millis). */
  int persistedCount = -1;
  long persistedAt;
  /** When a task's result was last heard of (System.nanoTime), or the run began. */
  private long heardNanos = startedNanos;
  private final BitSet done;
  private long[] micros = new long[16];
  private int timed;

  JobRun(JsonObject job, HazelcastJsonValue stored) {
    this.stored = stored;
    this.id = job.getString("id");
    this.kind = job.getString("kind");
    this.params = job.getJsonObject("params");
    this.total = job.getInteger("tasks");
    this.perEntry = job.getInteger(TaskGroups.FIELD, 1);
    this.done = new BitSet(total);
    Integer deadlineSeconds = job.getInteger("deadlineSeconds");
    this.deadlineAt = deadlineSeconds == null ? 0
        : Instant.parse(job.getString("submittedAt")).toEpochMilli() + deadlineSeconds * 1000L;
  }

  /** Marks {@code count} tasks from {@code index} on done; false if they already were. */
  boolean markDone(int index, int count) {
    if (index < 0 || count < 1 || index + count > total) {
      return false;
    }
    int already = done.get(index, index + count).cardinality();
    if (already == count) {
      return false;
    }
    done.set(index, index + count);
    doneCount += count - already;
    return true;
  }

  /** The map keys of the job's grid entries, in task order. */
  List<String> entryKeys() {
    return TaskGroups.keys(id, total, perEntry);
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

  /** A task's result was heard of: the events are flowing. */
  void heard() {
    heardNanos = System.nanoTime();
  }

  /** Whether a task's result was heard of within the last {@code millis} (or the run began then). */
  boolean heardWithin(long millis) {
    return System.nanoTime() - heardNanos < millis * 1_000_000;
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
