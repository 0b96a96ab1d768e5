package dev.amdahl.node;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * Creates a node's Prometheus registry: common tags, JVM and process metrics, and the
 * filters that keep every node's output clean for {@code promtool check metrics}.
 */
public final class NodeMetrics {
  /** Bucket bounds of the task duration histogram, from a millisecond to ten minutes. */
  static final double[] TASK_DURATION_BUCKETS_SECONDS = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};

  private NodeMetrics() {
  }

  public static PrometheusMeterRegistry create(NodeConfig node) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config()
        .commonTags(Tags.of(
            "service", node.role().label(),
            "node", node.id(),
            "version", node.version(),
            "zone", node.zone()))
        .meterFilter(describeOurs())
        .meterFilter(taskDurationBuckets())
        // Prometheus keeps "_count" for histograms and wants CPU time in seconds, not "ns".
        .meterFilter(rename("system.cpu.count", "system.processors"))
        .meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    bindCpuTime(registry);
    return registry;
  }

  private static void bindCpuTime(MeterRegistry registry) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean bean) {
      FunctionCounter.builder("process.cpu", bean, b -> b.getProcessCpuTime() / 1e9)
          .baseUnit("seconds")
          .description("CPU time used by the JVM process")
          .register(registry);
    }
  }

  // Our meters are registered in many places; their HELP text comes from MetricNames.
  private static MeterFilter describeOurs() {
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        String description = MetricNames.describe(id.getName());
        if (description == null || id.getDescription() != null) {
          return id;
        }
        return new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), description, id.getType());
      }
    };
  }

  // A few fixed buckets instead of Micrometer's seventy-odd: cheap series, good enough quantiles.
  private static MeterFilter taskDurationBuckets() {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (!id.getName().equals(MetricNames.TASK_DURATION)) {
          return config;
        }
        double[] nanos = new double[TASK_DURATION_BUCKETS_SECONDS.length];
        for (int i = 0; i < nanos.length; i++) {
          nanos[i] = TASK_DURATION_BUCKETS_SECONDS[i] * 1e9;
        }
        return DistributionStatisticConfig.builder()
            .percentilesHistogram(false)
            .serviceLevelObjectives(nanos)
            .build()
            .merge(config);
      }
    };
  }

  private static MeterFilter rename(String from, String to) {
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        return id.getName().equals(from) ? id.withName(to) : id;
      }
    };
  }
}
