package dev.amdahl.node.grid;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * A task that does nothing, for Hazelcast's own {@code IExecutorService}: the benchmark
 * sends it to the same members that run Amdahl's tasks, to compare dispatch overheads.
 */
public final class NoopCallable implements Callable<Integer>, IdentifiedDataSerializable {
  private int index;

  public NoopCallable() {
  }

  public NoopCallable(int index) {
    this.index = index;
  }

  @Override
  public Integer call() {
    return index;
  }

  @Override
  public int getFactoryId() {
    return GridSerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return GridSerialization.NOOP_CALLABLE;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(index);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    index = in.readInt();
  }
}
