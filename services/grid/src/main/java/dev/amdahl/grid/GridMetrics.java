package dev.amdahl.grid;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.LocalMapStats;
import dev.amdahl.node.Names;
import dev.amdahl.node.NodeRuntime;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** What a grid member measures about the data it holds. */
final class GridMetrics {
  private GridMetrics() {
  }

  static void bind(NodeRuntime node) {
    HazelcastInstance hz = node.grid().hazelcast();
    MeterRegistry registry = node.metrics();
    Gauge.builder("amdahl.grid.safe", hz, h -> h.getPartitionService().isClusterSafe() ? 1 : 0)
        .description("1 when every partition has its backups in place")
        .register(registry);
    Gauge.builder("amdahl.grid.tasks.owned", hz, h -> ownedEntries(h.getMap(Names.TASKS).getLocalMapStats()))
        .description("Task entries whose primary copy is on this member")
        .register(registry);
    Gauge.builder("amdahl.grid.tasks.backups", hz, h -> h.getMap(Names.TASKS).getLocalMapStats().getBackupEntryCount())
        .description("Task entries backed up on this member")
        .register(registry);
  }

  private static double ownedEntries(LocalMapStats stats) {
    return stats.getOwnedEntryCount();
  }
}
