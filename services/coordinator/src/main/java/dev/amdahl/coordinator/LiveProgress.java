package dev.amdahl.coordinator;

import dev.amdahl.jobs.JobSpec;
import dev.amdahl.node.Names;
import dev.amdahl.node.TaskEvents;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Running jobs' progress as this coordinator heard it from the workers, which is newer than
 * their records.
 *
 * <p>The leader writes a running job's count of finished tasks into its record in the grid
 * once a second: the record is what a coordinator that starts or takes over reads, and each
 * write is a compare-and-set of the whole record on the grid member, whose cores, on a small
 * machine, are the tasks' too. Meanwhile every coordinator hears the workers' words of the
 * results the grid accepted ({@link Names#TASKS_DONE}), the same words the leader counts, and
 * keeps here which tasks of each job they named. A read of a running job's record through
 * {@link JobStore} shows the larger of the two counts: the words' (fresher) or the record's
 * (complete, also when words were missed or this coordinator started after the job).
 *
 * <p>Thread-safe: words arrive on an event loop, reads come from the API's worker threads.
 */
final class LiveProgress {
  /** A job whose words stopped this long ago is forgotten (its end was missed); its record speaks for it. */
  private static final long FORGET_NANOS = TimeUnit.SECONDS.toNanos(60);

  /** The tasks of one job named in words (an index per task: idempotent), and when the last came. */
  private static final class Heard {
    private final BitSet done = new BitSet();
    private long lastNanos;

    synchronized void add(int index, int count, long now) {
      done.set(index, index + count);
      lastNanos = now;
    }

    synchronized int count() {
      return done.cardinality();
    }

    synchronized boolean silentSince(long nanos) {
      return lastNanos - nanos < 0;
    }
  }

  private final Map<String, Heard> running = new ConcurrentHashMap<>();
  private volatile long sweptNanos = System.nanoTime();

  /** Progress that hears nothing: the records as the grid holds them. */
  LiveProgress() {
  }

  /** Progress that hears the workers' words, and the jobs' ends, on {@code bus}. */
  static LiveProgress listening(EventBus bus) {
    LiveProgress live = new LiveProgress();
    bus.consumer(Names.TASKS_DONE, message -> TaskEvents.forEachDone(message.body(), live::done));
    bus.<JsonObject>consumer(Names.TASK_DONE, message -> live.done(message.body()));
    bus.<JsonObject>consumer(Names.JOB_STOPPED, message -> live.ended(message.body().getString("jobId")));
    bus.<JsonObject>consumer(Names.JOB_UPDATED, message -> {
      String state = message.body().getString("state");
      if (state == null || isFinal(state)) {
        live.ended(message.body().getString("jobId"));
      }
    });
    return live;
  }

  /** A worker's word of one accepted result: {@code jobId}, {@code index}, {@code count} (see {@link TaskEvents#forEachDone}). */
  void done(JsonObject word) {
    String id = word.getString("jobId");
    if (id == null || !(word.getValue("index") instanceof Integer index) || index < 0 || index >= JobSpec.MAX_TASKS) {
      return;
    }
    int count = word.getValue("count") instanceof Integer c && c > 0 ? Math.min(c, JobSpec.MAX_TASKS - index) : 1;
    long now = System.nanoTime();
    running.computeIfAbsent(id, key -> new Heard()).add(index, count, now);
    if (now - sweptNanos > FORGET_NANOS) {
      sweptNanos = now;
      running.values().removeIf(heard -> heard.silentSince(now - FORGET_NANOS));
    }
  }

  void ended(String id) {
    if (id != null) {
      running.remove(id);
    }
  }

  /**
   * {@code job}, a record read from the grid, showing the tasks heard done if it is running
   * and more were heard of than its record counts (changed in place, and returned).
   */
  JsonObject overlay(JsonObject job) {
    String id = job.getString("id");
    String state = job.getString("state");
    if (id == null || !JobState.RUNNING.name().equals(state)) {
      if (id != null && isFinal(state)) {
        running.remove(id);
      }
      return job;
    }
    Heard heard = running.get(id);
    if (heard != null && job.getValue("progress") instanceof JsonObject stored
        && stored.getValue("total") instanceof Integer total && stored.getValue("done") instanceof Integer done) {
      int count = Math.min(total, heard.count());
      if (count > done) {
        job.put("progress", new JsonObject().put("total", total).put("done", count));
      }
    }
    return job;
  }

  private static boolean isFinal(String state) {
    try {
      return state != null && JobState.valueOf(state).isFinal();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Jobs whose words are held here. */
  int size() {
    return running.size();
  }
}
