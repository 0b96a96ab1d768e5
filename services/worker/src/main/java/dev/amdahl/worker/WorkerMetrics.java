package dev.amdahl.worker;

import dev.amdahl.jobs.JobKinds;
import dev.amdahl.node.MetricNames;
import dev.amdahl.node.NodeRuntime;
import dev.amdahl.node.grid.Complete;
import dev.amdahl.node.grid.Requeue;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.List;
import java.util.Locale;

/**
 * A worker's meters, registered at start for every job kind and outcome, so each series
 * exists at zero before its first event: rates work from the start, and dashboards show
 * zero rather than no data.
 */
final class WorkerMetrics {
  private static final List<String> OUTCOMES = List.of(
      name(Complete.Outcome.ACCEPTED), name(Complete.Outcome.DUPLICATE), name(Complete.Outcome.GONE), "failed", "cancelled");

  private WorkerMetrics() {
  }

  static void bind(NodeRuntime node, WorkerConfig config) {
    MeterRegistry registry = node.metrics();
    Gauge.builder(MetricNames.WORKER_THREADS, config, WorkerConfig::threads).register(registry);
    for (String kind : JobKinds.names()) {
      registry.counter(MetricNames.TASKS_CLAIMED, "kind", kind);
      registry.counter(MetricNames.TASKS_RETRIED, "kind", kind);
      registry.counter(MetricNames.TASKS_REPLICATED, "kind", kind);
      for (String outcome : OUTCOMES) {
        registry.counter(MetricNames.TASKS_COMPLETED, "kind", kind, "outcome", outcome);
      }
      Timer.builder(MetricNames.TASK_DURATION).tag("kind", kind).register(registry);
    }
    registry.counter(MetricNames.TASKS_REQUEUED, "reason", name(Requeue.Reason.HANDED_BACK));
  }

  private static String name(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
