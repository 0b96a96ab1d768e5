package dev.amdahl.grid;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.LocalMapStats;
import dev.amdahl.node.Names;
import dev.amdahl.node.NodeRuntime;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** What a grid member measures about the data it holds. */
final class GridMetrics {
  private static final long SAFE_FOR_MILLIS = 5_000;

  private GridMetrics() {
  }

  static void bind(NodeRuntime node) {
    HazelcastInstance hz = node.grid().hazelcast();
    MeterRegistry registry = node.metrics();
    // isClusterSafe() asks every member and waits up to a minute when one has just died: it
    // runs on the scheduler, never in a scrape on the event loop. A check that hangs reads as unsafe.
    AtomicLong safeUntil = new AtomicLong();
    node.scheduler().scheduleWithFixedDelay(() -> {
      try {
        safeUntil.set(hz.getPartitionService().isClusterSafe() ? System.currentTimeMillis() + SAFE_FOR_MILLIS : 0);
      } catch (RuntimeException e) {
        safeUntil.set(0);
      }
    }, 0, 1, TimeUnit.SECONDS);
    Gauge.builder("amdahl.grid.safe", safeUntil, until -> System.currentTimeMillis() < until.get() ? 1 : 0)
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
