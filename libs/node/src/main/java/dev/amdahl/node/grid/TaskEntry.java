package dev.amdahl.node.grid;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;

/**
 * One task's whole state in the grid: what to run, who holds its lease, and its result.
 *
 * <p>An entry holds one task, or a group of consecutive tasks of a big job ({@link #getCount()}
 * from {@link #getIndex()} on) that are leased, run and completed together, with one merged
 * result: the grid's per-entry costs are then paid once per group.
 *
 * <p>Changed only by entry processors, which run on the member owning the entry's
 * partition, so every change is atomic and timed by one clock. The serialized form starts
 * with a format number and a newer version may append fields, so old and new nodes share
 * one grid during a rolling upgrade.
 */
public final class TaskEntry implements IdentifiedDataSerializable {
  /** Waiting in a pending queue. */
  public static final String QUEUED = "QUEUED";
  /** Held by a worker until its lease expires. */
  public static final String LEASED = "LEASED";
  /** A result was accepted; later results are duplicates. */
  public static final String DONE = "DONE";
  /** Failed on every attempt; fails its job. */
  public static final String FAILED = "FAILED";

  private static final int FORMAT = 2;

  private String jobId;
  private int index;
  private String kind;
  private String params;
  private String input;
  private String state;
  private String owner;
  private long leaseExpiry;
  private int attempt;
  private int maxAttempts;
  private long queuedAt;
  private long updatedAt;
  private byte[] result;
  private String resultBy;
  private long micros;
  private String errors;
  private long taskTimeoutMillis;
  private long leasedAt;
  private String replicaOwner;
  private long replicaLeaseExpiry;
  /** Format 2: how many consecutive tasks the entry holds; 1 in format 1. */
  private int count = 1;

  public TaskEntry() {
  }

  /** A new task, queued now. */
  public static TaskEntry queued(String jobId, int index, String kind, String params, String input, int maxAttempts,
                                 long taskTimeoutMillis) {
    return queued(jobId, index, 1, kind, params, input, maxAttempts, taskTimeoutMillis);
  }

  /**
   * A new entry of {@code count} consecutive tasks from {@code index} on, queued now.
   *
   * @param input the task's input (a JSON object), or for a group a JSON array of the tasks' inputs
   */
  public static TaskEntry queued(String jobId, int index, int count, String kind, String params, String input,
                                 int maxAttempts, long taskTimeoutMillis) {
    TaskEntry entry = new TaskEntry();
    entry.jobId = jobId;
    entry.index = index;
    entry.count = count;
    entry.kind = kind;
    entry.params = params;
    entry.input = input;
    entry.state = QUEUED;
    entry.maxAttempts = maxAttempts;
    entry.taskTimeoutMillis = taskTimeoutMillis;
    entry.queuedAt = System.currentTimeMillis();
    entry.updatedAt = entry.queuedAt;
    return entry;
  }

  /** The map key of task {@code index} of job {@code jobId}. */
  public static String key(String jobId, int index) {
    return jobId + "/" + index;
  }

  public String key() {
    return key(jobId, index);
  }

  /** "task job/7", or "tasks job/8-15" for a group: for messages. */
  public String describe() {
    return count == 1 ? "task " + key() : "tasks " + key() + "-" + (index + count - 1);
  }

  /** The job of the task with map key {@code key}. */
  public static String jobOf(String key) {
    return key.substring(0, key.lastIndexOf('/'));
  }

  /** The pending queue this task waits in; a job's tasks spread over every shard. */
  public static int shardOf(String key) {
    return Math.floorMod(key.hashCode(), dev.amdahl.node.Names.QUEUE_SHARDS);
  }

  /** Prefix of a queue item that asks an idle worker for a replica of the task, not the task. */
  public static final String REPLICA_PREFIX = "replica:";

  /** A copy without the result bytes, for handing a task to a worker. */
  TaskEntry withoutResult() {
    TaskEntry copy = copy();
    copy.result = null;
    return copy;
  }

  TaskEntry copy() {
    TaskEntry c = new TaskEntry();
    c.jobId = jobId;
    c.index = index;
    c.kind = kind;
    c.params = params;
    c.input = input;
    c.state = state;
    c.owner = owner;
    c.leaseExpiry = leaseExpiry;
    c.attempt = attempt;
    c.maxAttempts = maxAttempts;
    c.queuedAt = queuedAt;
    c.updatedAt = updatedAt;
    c.result = result;
    c.resultBy = resultBy;
    c.micros = micros;
    c.errors = errors;
    c.taskTimeoutMillis = taskTimeoutMillis;
    c.leasedAt = leasedAt;
    c.replicaOwner = replicaOwner;
    c.replicaLeaseExpiry = replicaLeaseExpiry;
    c.count = count;
    return c;
  }

  void lease(String newOwner, long now, long leaseMillis) {
    state = LEASED;
    owner = newOwner;
    leaseExpiry = now + leaseMillis;
    leasedAt = now;
    attempt++;
    clearReplica();
    updatedAt = now;
  }

  void leaseReplica(String replica, long now, long leaseMillis) {
    replicaOwner = replica;
    replicaLeaseExpiry = now + leaseMillis;
    updatedAt = now;
  }

  void clearReplica() {
    replicaOwner = null;
    replicaLeaseExpiry = 0;
  }

  /** Whether {@code node} runs this task, as its owner or as its replica. */
  boolean isRunBy(String node) {
    return LEASED.equals(state) && (node.equals(owner) || node.equals(replicaOwner));
  }

  void requeue(long now) {
    state = QUEUED;
    owner = null;
    leaseExpiry = 0;
    clearReplica();
    queuedAt = now;
    updatedAt = now;
  }

  void complete(String by, byte[] bytes, long tookMicros, long now) {
    state = DONE;
    result = bytes;
    resultBy = by;
    micros = tookMicros;
    leaseExpiry = 0;
    clearReplica();
    updatedAt = now;
  }

  void fail(long now) {
    state = FAILED;
    leaseExpiry = 0;
    clearReplica();
    updatedAt = now;
  }

  /** Appends one attempt's error (a JSON object) to the task's history. */
  void recordError(String error) {
    errors = errors == null ? "[" + error + "]" : errors.substring(0, errors.length() - 1) + "," + error + "]";
  }

  void renew(String node, long now, long leaseMillis) {
    if (node.equals(owner)) {
      leaseExpiry = now + leaseMillis;
    } else {
      replicaLeaseExpiry = now + leaseMillis;
    }
  }

  public String getJobId() {
    return jobId;
  }

  /** The entry's first task. */
  public int getIndex() {
    return index;
  }

  /** How many consecutive tasks the entry holds, from {@link #getIndex()} on. */
  public int getCount() {
    return count;
  }

  public String getKind() {
    return kind;
  }

  public String getParams() {
    return params;
  }

  public String getInput() {
    return input;
  }

  public String getState() {
    return state;
  }

  public String getOwner() {
    return owner;
  }

  public long getLeaseExpiry() {
    return leaseExpiry;
  }

  public int getAttempt() {
    return attempt;
  }

  public int getMaxAttempts() {
    return maxAttempts;
  }

  public long getQueuedAt() {
    return queuedAt;
  }

  public long getUpdatedAt() {
    return updatedAt;
  }

  public byte[] getResult() {
    return result;
  }

  public String getResultBy() {
    return resultBy;
  }

  public long getMicros() {
    return micros;
  }

  /** Every failed attempt's error, as a JSON array, oldest first; null when none failed. */
  public String getErrors() {
    return errors;
  }

  /** How long one attempt may run; 0 for no limit. */
  public long getTaskTimeoutMillis() {
    return taskTimeoutMillis;
  }

  /** When the current attempt was claimed (grid time). */
  public long getLeasedAt() {
    return leasedAt;
  }

  /** The node running a replica of this task, or null. */
  public String getReplicaOwner() {
    return replicaOwner;
  }

  public long getReplicaLeaseExpiry() {
    return replicaLeaseExpiry;
  }

  @Override
  public int getFactoryId() {
    return GridSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return GridSerialization.TASK_ENTRY;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(FORMAT);
    out.writeString(jobId);
    out.writeInt(index);
    out.writeString(kind);
    out.writeString(params);
    out.writeString(input);
    out.writeString(state);
    out.writeString(owner);
    out.writeLong(leaseExpiry);
    out.writeInt(attempt);
    out.writeInt(maxAttempts);
    out.writeLong(queuedAt);
    out.writeLong(updatedAt);
    out.writeByteArray(result);
    out.writeString(resultBy);
    out.writeLong(micros);
    out.writeString(errors);
    out.writeLong(taskTimeoutMillis);
    out.writeLong(leasedAt);
    out.writeString(replicaOwner);
    out.writeLong(replicaLeaseExpiry);
    out.writeInt(count);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    int format = in.readInt(); // version 1 fields come first in every later format
    jobId = in.readString();
    index = in.readInt();
    kind = in.readString();
    params = in.readString();
    input = in.readString();
    state = in.readString();
    owner = in.readString();
    leaseExpiry = in.readLong();
    attempt = in.readInt();
    maxAttempts = in.readInt();
    queuedAt = in.readLong();
    updatedAt = in.readLong();
    result = in.readByteArray();
    resultBy = in.readString();
    micros = in.readLong();
    errors = in.readString();
    taskTimeoutMillis = in.readLong();
    leasedAt = in.readLong();
    replicaOwner = in.readString();
    replicaLeaseExpiry = in.readLong();
    count = format >= 2 ? in.readInt() : 1;
  }
}
