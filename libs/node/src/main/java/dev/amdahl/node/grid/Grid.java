package dev.amdahl.node.grid;

import com.hazelcast.collection.IQueue;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.amdahl.node.Names;

/** Typed access to the grid structures every node uses. */
public final class Grid {
  private final HazelcastInstance hazelcast;

  public Grid(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  public HazelcastInstance hazelcast() {
    return hazelcast;
  }

  public IMap<String, TaskEntry> tasks() {
    return hazelcast.getMap(Names.TASKS);
  }

  public IMap<String, String> jobs() {
    return hazelcast.getMap(Names.JOBS);
  }

  public IMap<String, byte[]> attachments() {
    return hazelcast.getMap(Names.ATTACHMENTS);
  }

  public IMap<String, String> nodes() {
    return hazelcast.getMap(Names.NODES);
  }

  public IMap<String, String> coordination() {
    return hazelcast.getMap(Names.COORDINATION);
  }

  public IQueue<String> pending(int shard) {
    return hazelcast.getQueue(Names.pendingQueue(shard));
  }

  /** Puts a task key in its pending queue. */
  public void offer(String taskKey) {
    pending(TaskEntry.shardOf(taskKey)).offer(taskKey);
  }
}
