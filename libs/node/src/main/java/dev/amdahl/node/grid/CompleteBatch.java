package dev.amdahl.node.grid;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link Complete} for many tasks in one call: a worker's results written together, one
 * operation per grid member instead of one round trip per task (group commit). Each entry
 * gets exactly the rule of {@link Complete}: the first result counts, later ones are
 * duplicates. The worker sends each member only the results of the keys it owns.
 */
public final class CompleteBatch extends TaskProcessor<Complete.Outcome> {
  private String by;
  private Map<String, Result> results;

  /** One task's result and how long it took. */
  public record Result(byte[] bytes, long micros) {
  }

  public CompleteBatch() {
  }

  public CompleteBatch(String by, Map<String, Result> results) {
    this.by = by;
    this.results = results;
  }

  @Override
  Complete.Outcome apply(TaskEntry task, long now) {
    Result result = results.get(task.key());
    if (result == null) {
      // Hazelcast only runs this on the keys it was given, each of which has a result.
      throw new IllegalStateException("no result for " + task.key() + " in this batch");
    }
    return Complete.offer(task, by, result.bytes(), result.micros(), now);
  }

  @Override
  boolean changed(Complete.Outcome outcome) {
    return outcome == Complete.Outcome.ACCEPTED;
  }

  @Override
  Complete.Outcome absent() {
    return Complete.Outcome.GONE;
  }

  @Override
  public int getClassId() {
    return GridSerialization.COMPLETE_BATCH;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(by);
    out.writeInt(results.size());
    for (Map.Entry<String, Result> entry : results.entrySet()) {
      out.writeString(entry.getKey());
      out.writeByteArray(entry.getValue().bytes());
      out.writeLong(entry.getValue().micros());
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    by = in.readString();
    int size = in.readInt();
    results = new HashMap<>(size * 2);
    for (int i = 0; i < size; i++) {
      results.put(in.readString(), new Result(in.readByteArray(), in.readLong()));
    }
  }
}
