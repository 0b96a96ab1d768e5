package dev.amdahl.node.grid;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.util.Map;

/**
 * An atomic change to one {@link TaskEntry}, run on the member that owns its partition.
 *
 * @param <R> what the change returns to the caller
 */
abstract class TaskProcessor<R> implements EntryProcessor<String, TaskEntry, R>, IdentifiedDataSerializable {

  @Override
  public final R process(Map.Entry<String, TaskEntry> entry) {
    TaskEntry current = entry.getValue();
    if (current == null) {
      return absent();
    }
    TaskEntry next = current.copy();
    R outcome = apply(next, System.currentTimeMillis());
    if (changed(outcome)) {
      entry.setValue(next);
    }
    return outcome;
  }

  /** Changes {@code task} (a private copy) and says what happened. */
  abstract R apply(TaskEntry task, long now);

  /** Whether {@code outcome} means the copy must be written back. */
  abstract boolean changed(R outcome);

  /** The outcome for a task that is no longer in the grid (its job ended). */
  abstract R absent();

  @Override
  public final int getFactoryId() {
    return GridSerialization.FACTORY_ID;
  }
}
