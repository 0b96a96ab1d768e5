package dev.amdahl.node.grid;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;

import java.io.IOException;

/**
 * Stores a task's result if it is the first: this is where "runs at least once, counts
 * exactly once" holds. Any attempt's result is accepted while the task is not done, since
 * tasks are deterministic; a later one is a duplicate.
 */
public final class Complete extends TaskProcessor<Complete.Outcome> {

  /** What became of a result. */
  public enum Outcome {
    /** The first result: it counts. */
    ACCEPTED,
    /** The task already had a result: this one is discarded. */
    DUPLICATE,
    /** The task's job has ended (finished or cancelled): discarded. */
    GONE
  }

  private String by;
  private byte[] result;
  private long micros;

  public Complete() {
  }

  public Complete(String by, byte[] result, long micros) {
    this.by = by;
    this.result = result;
    this.micros = micros;
  }

  @Override
  Outcome apply(TaskEntry task, long now) {
    return offer(task, by, result, micros, now);
  }

  /** The rule itself, shared with {@link CompleteBatch}. */
  static Outcome offer(TaskEntry task, String by, byte[] result, long micros, long now) {
    if (TaskEntry.DONE.equals(task.getState())) {
      return Outcome.DUPLICATE;
    }
    if (TaskEntry.FAILED.equals(task.getState())) {
      return Outcome.GONE;
    }
    task.complete(by, result, micros, now);
    return Outcome.ACCEPTED;
  }

  @Override
  boolean changed(Outcome outcome) {
    return outcome == Outcome.ACCEPTED;
  }

  @Override
  Outcome absent() {
    return Outcome.GONE;
  }

  @Override
  public int getClassId() {
    return GridSerialization.COMPLETE;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(by);
    out.writeByteArray(result);
    out.writeLong(micros);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    by = in.readString();
    result = in.readByteArray();
    micros = in.readLong();
  }
}
