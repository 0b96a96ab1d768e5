package dev.amdahl.node;

import dev.amdahl.node.grid.TaskEntry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The "tasks done" events on the event bus. A worker publishes one {@link Names#TASKS_DONE}
 * event per batch of results the grid accepted, a {@link Batch} in a binary codec of its own;
 * listeners see each task as the single {@link Names#TASK_DONE} event that workers before
 * batching published, so every kind of worker can run side by side during a rolling upgrade
 * (workers before the codec published the batch as JSON, which is still understood; a
 * coordinator before it cannot read a batch, so coordinators are upgraded first).
 *
 * <p>Why a codec: these are the only events sent for every task, and as JSON each one cost a
 * Jackson encode in the worker and a parse in each listener. Worse, the two Jackson methods
 * at the heart of it, inlined into one, are the largest thing the JIT compiler ever compiles
 * in these nodes: minutes after start, when a job of short tasks made them hot at last, C2
 * took 0.53 s of CPU to compile the coordinator's parser and 0.28 s the worker's encoder,
 * CPU that came out of the tasks on a small machine.
 */
public final class TaskEvents {
  private TaskEvents() {
  }

  /**
   * One accepted result: its job, first task index, task count (an entry may hold a group of
   * tasks), key, how long it ran, whether a replica won it.
   */
  public record Done(String jobId, int index, int count, String key, long micros, boolean replica) {
  }

  /** The accepted results of one batch of one worker: the body of a {@link Names#TASKS_DONE} event. */
  public record Batch(String node, String version, List<Done> tasks) {
    public Batch {
      tasks = List.copyOf(tasks);
    }
  }

  /** Every pending queue, as a mask of {@link #queuedShards}: a word that does not say which. */
  public static final int ALL_SHARDS = (1 << Names.QUEUE_SHARDS) - 1;

  /**
   * Tells idle workers ({@link Names#TASKS_QUEUED}) that the keys {@code keys} were put in the
   * queues, and in which of them ({@code shards}): a worker looks in those queues, not in all
   * sixteen (every look is a call to the grid, and a job's first task waited for the looks
   * before it). A word without shards, as nodes before this one sent, names every queue.
   */
  public static void announceQueued(EventBus bus, Iterable<String> keys) {
    int mask = 0;
    for (String key : keys) {
      mask |= 1 << TaskEntry.shardOf(key);
    }
    announceShards(bus, mask);
  }

  /** {@link #announceQueued(EventBus, Iterable)} for the queues of {@code mask} (bit {@code s}: queue {@code s}). */
  public static void announceShards(EventBus bus, int mask) {
    if (mask != 0) {
      bus.publish(Names.TASKS_QUEUED, new JsonObject().put("shards", shardList(mask)));
    }
  }

  /**
   * The queues that a {@link Names#TASKS_QUEUED} or {@link Names#TASK_REQUEUED} body says have
   * new keys, as a bit mask (bit {@code s}: queue {@code s}); {@link #ALL_SHARDS} when it does
   * not say (a word from a node before the shards were said, or one that could not tell).
   */
  public static int queuedShards(Object body) {
    if (!(body instanceof JsonObject word)) {
      return ALL_SHARDS;
    }
    if (word.getValue("task") instanceof String key) {
      return 1 << TaskEntry.shardOf(key);
    }
    if (!(word.getValue("shards") instanceof JsonArray shards) || shards.isEmpty()) {
      return ALL_SHARDS;
    }
    int mask = 0;
    for (Object shard : shards) {
      if (!(shard instanceof Integer s) || s < 0 || s >= Names.QUEUE_SHARDS) {
        return ALL_SHARDS;
      }
      mask |= 1 << s;
    }
    return mask;
  }

  private static JsonArray shardList(int mask) {
    JsonArray shards = new JsonArray();
    for (int s = 0; s < Names.QUEUE_SHARDS; s++) {
      if ((mask & 1 << s) != 0) {
        shards.add(s);
      }
    }
    return shards;
  }

  /** Lets {@code bus} send and receive {@link Batch} bodies; {@code NodeRuntime.join} registers it on every node. */
  public static void registerCodec(EventBus bus) {
    bus.registerDefaultCodec(Batch.class, new BatchCodec());
  }

  /**
   * Hands each task of a {@link Names#TASKS_DONE} body, a {@link Batch} or the JSON of an
   * older worker, to {@code each}, shaped as a {@link Names#TASK_DONE} event: {@code jobId},
   * {@code index}, {@code count}, {@code key}, {@code micros}, {@code replica}, {@code node},
   * {@code version}.
   */
  public static void forEachDone(Object body, Consumer<JsonObject> each) {
    if (body instanceof Batch batch) {
      for (Done done : batch.tasks()) {
        each.accept(new JsonObject().put("jobId", done.jobId()).put("index", done.index()).put("count", done.count())
            .put("key", done.key()).put("micros", done.micros()).put("replica", done.replica())
            .put("node", batch.node()).put("version", batch.version()));
      }
    } else if (body instanceof JsonObject json) {
      JsonArray tasks = json.getJsonArray("tasks", new JsonArray());
      for (int i = 0; i < tasks.size(); i++) {
        each.accept(tasks.getJsonObject(i).copy().put("node", json.getString("node")).put("version", json.getString("version")));
      }
    }
  }

  /**
   * A {@link Batch} on the wire: its length, then node and version, the number of tasks and
   * each task's fields, strings as UTF-8 with their length in front. A batch is immutable, so
   * a local delivery hands over the same object.
   */
  static final class BatchCodec implements MessageCodec<Batch, Batch> {
    static final String NAME = "amdahl.tasks-done.v1";

    @Override
    public void encodeToWire(Buffer buffer, Batch batch) {
      int lengthAt = buffer.length();
      buffer.appendInt(0);
      putString(buffer, batch.node());
      putString(buffer, batch.version());
      buffer.appendInt(batch.tasks().size());
      for (Done done : batch.tasks()) {
        putString(buffer, done.jobId());
        buffer.appendInt(done.index()).appendInt(done.count());
        putString(buffer, done.key());
        buffer.appendLong(done.micros()).appendByte(done.replica() ? (byte) 1 : 0);
      }
      buffer.setInt(lengthAt, buffer.length() - lengthAt - Integer.BYTES);
    }

    @Override
    public Batch decodeFromWire(int pos, Buffer buffer) {
      Reader in = new Reader(buffer, pos + Integer.BYTES);
      String node = in.string();
      String version = in.string();
      int size = in.integer();
      List<Done> tasks = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        tasks.add(new Done(in.string(), in.integer(), in.integer(), in.string(), in.longValue(), in.flag()));
      }
      return new Batch(node, version, tasks);
    }

    @Override
    public Batch transform(Batch batch) {
      return batch;
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }

    private static void putString(Buffer buffer, String value) {
      if (value == null) {
        buffer.appendInt(-1);
        return;
      }
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      buffer.appendInt(bytes.length).appendBytes(bytes);
    }

    /** Reads a buffer from a position on. */
    private static final class Reader {
      private final Buffer buffer;
      private int pos;

      Reader(Buffer buffer, int pos) {
        this.buffer = buffer;
        this.pos = pos;
      }

      int integer() {
        int value = buffer.getInt(pos);
        pos += Integer.BYTES;
        return value;
      }

      long longValue() {
        long value = buffer.getLong(pos);
        pos += Long.BYTES;
        return value;
      }

      boolean flag() {
        return buffer.getByte(pos++) != 0;
      }

      String string() {
        int length = integer();
        if (length < 0) {
          return null;
        }
        String value = new String(buffer.getBytes(pos, pos + length), StandardCharsets.UTF_8);
        pos += length;
        return value;
      }
    }
  }
}
