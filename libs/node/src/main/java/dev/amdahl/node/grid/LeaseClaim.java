package dev.amdahl.node.grid;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;

import java.io.IOException;

/**
 * A worker takes a task under a lease of {@code leaseMillis}: returns the task (without any
 * result) when it now holds it, or null when it may not take it. Subclasses say when it may
 * and which lease it takes.
 */
abstract class LeaseClaim extends TaskProcessor<TaskEntry> {
  String worker;
  long leaseMillis;

  LeaseClaim() {
  }

  LeaseClaim(String worker, long leaseMillis) {
    this.worker = worker;
    this.leaseMillis = leaseMillis;
  }

  @Override
  final boolean changed(TaskEntry outcome) {
    return outcome != null;
  }

  @Override
  final TaskEntry absent() {
    return null;
  }

  @Override
  public final void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(worker);
    out.writeLong(leaseMillis);
  }

  @Override
  public final void readData(ObjectDataInput in) throws IOException {
    worker = in.readString();
    leaseMillis = in.readLong();
  }
}
