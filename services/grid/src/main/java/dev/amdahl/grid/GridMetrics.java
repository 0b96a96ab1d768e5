package dev.amdahl.grid;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.LocalMapStats;
import dev.amdahl.node.grid.TaskEntry;
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
    // The check asks the backup replicas and waits for a member that has just died, so it runs
    // on the scheduler, never in a scrape on the event loop; a check that hangs reads as unsafe.
    // (isClusterSafe() would also wait on every lite member that leaves.)
    AtomicLong safeUntil = new AtomicLong();
    node.scheduler().scheduleWithFixedDelay(() -> {
      try {
        safeUntil.set(hz.getPartitionService().isLocalMemberSafe() ? System.currentTimeMillis() + SAFE_FOR_MILLIS : 0);
      } catch (RuntimeException e) {
        safeUntil.set(0);
      }
    }, 0, 1, TimeUnit.SECONDS);
    Gauge.builder("amdahl.grid.safe", safeUntil, until -> System.currentTimeMillis() < until.get() ? 1 : 0)
        .description("1 when every partition this member owns has its backups in place (the minimum over members: the grid is safe)")
        .register(registry);
    // Created here, not in the first scrape: creating the proxy builds its indexes on every member.
    IMap<String, TaskEntry> tasks = node.grid().tasks();
    Gauge.builder("amdahl.grid.tasks.owned", tasks, map -> ownedEntries(map.getLocalMapStats()))
        .description("Task entries whose primary copy is on this member")
        .register(registry);
    Gauge.builder("amdahl.grid.tasks.backups", tasks, map -> map.getLocalMapStats().getBackupEntryCount())
        .description("Task entries backed up on this member")
        .register(registry);
  }

  private static double ownedEntries(LocalMapStats stats) {
    return stats.getOwnedEntryCount();
  }
}
