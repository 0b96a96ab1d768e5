package dev.amdahl.grid;

import com.hazelcast.collection.LocalQueueStats;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.MigrationListener;
import com.hazelcast.partition.MigrationState;
import com.hazelcast.partition.ReplicaMigrationEvent;
import dev.amdahl.node.MetricNames;
import dev.amdahl.node.Names;
import dev.amdahl.node.NodeRuntime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.HazelcastCacheMetrics;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What a grid member measures about the data it holds: each map (entries owned and backed
 * up, operations, through Micrometer's Hazelcast binder), each pending queue, whether the
 * partitions it owns have their backups, and migrations. Safety needs calls to the members
 * holding the backups, so it is measured before a scrape, at most every two seconds
 * ({@link NodeRuntime#measureWhenScraped}), and the gauge reads that answer; the lowest value
 * over all grid members is the cluster's.
 */
final class GridMetrics {
  private static final long REFRESH_MILLIS = 2000;
  private static final List<String> MAPS = List.of(Names.TASKS, Names.JOBS, Names.NODES, Names.ATTACHMENTS, Names.COORDINATION);

  private final HazelcastInstance hazelcast;
  private final MeterRegistry registry;
  private final AtomicInteger safe = new AtomicInteger(1);
  private final AtomicLongArray queueOwned = new AtomicLongArray(Names.QUEUE_SHARDS);
  private final AtomicLongArray queueBackups = new AtomicLongArray(Names.QUEUE_SHARDS);

  private GridMetrics(NodeRuntime node) {
    this.hazelcast = node.grid().hazelcast();
    this.registry = node.metrics();
  }

  static void bind(NodeRuntime node) {
    GridMetrics metrics = new GridMetrics(node);
    metrics.register();
    node.measureWhenScraped(REFRESH_MILLIS, metrics::measure);
  }

  private void register() {
    for (String map : MAPS) {
      HazelcastCacheMetrics.monitor(registry, hazelcast.getMap(map));
    }
    Gauge.builder(MetricNames.GRID_SAFE, safe, AtomicInteger::get).register(registry);
    for (int shard = 0; shard < Names.QUEUE_SHARDS; shard++) {
      int index = shard;
      String queue = Names.pendingQueue(shard);
      Gauge.builder(MetricNames.GRID_QUEUE_ITEMS, queueOwned, q -> q.get(index))
          .tags("queue", queue, "ownership", "owned").register(registry);
      Gauge.builder(MetricNames.GRID_QUEUE_ITEMS, queueBackups, q -> q.get(index))
          .tags("queue", queue, "ownership", "backup").register(registry);
    }
    Counter completed = migrations("completed");
    Counter failed = migrations("failed");
    hazelcast.getPartitionService().addMigrationListener(new MigrationListener() {
      @Override
      public void migrationStarted(MigrationState state) {
      }

      @Override
      public void migrationFinished(MigrationState state) {
      }

      @Override
      public void replicaMigrationCompleted(ReplicaMigrationEvent event) {
        completed.increment();
      }

      @Override
      public void replicaMigrationFailed(ReplicaMigrationEvent event) {
        failed.increment();
      }
    });
  }

  private Counter migrations(String outcome) {
    return registry.counter(MetricNames.GRID_MIGRATIONS, "outcome", outcome);
  }

  private void measure() {
    try {
      safe.set(hazelcast.getPartitionService().isLocalMemberSafe() ? 1 : 0);
    } catch (RuntimeException e) {
      safe.set(0); // a member that cannot reach its backups is not safe
    }
    for (int shard = 0; shard < Names.QUEUE_SHARDS; shard++) {
      LocalQueueStats stats = hazelcast.getQueue(Names.pendingQueue(shard)).getLocalQueueStats();
      queueOwned.set(shard, stats.getOwnedItemCount());
      queueBackups.set(shard, stats.getBackupItemCount());
    }
  }
}
