package dev.amdahl.node;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeMetricsTest {
  private static final NodeConfig NODE = new NodeConfig("worker-7", Role.WORKER, "1.2.3", "zone-b", "test",
      List.of("127.0.0.1:5701"), 5801, "127.0.0.1", 0, false, 8);

  @Test
  void ourMetersGetTheirHelpTextFromMetricNamesWhereverTheyAreRegistered() {
    PrometheusMeterRegistry registry = NodeMetrics.create(NODE);
    registry.counter(MetricNames.TASKS_CLAIMED, "kind", "pi").increment();
    String text = registry.scrape();
    assertTrue(text.contains("# HELP amdahl_tasks_claimed_total " + MetricNames.describe(MetricNames.TASKS_CLAIMED)), text);
  }

  @Test
  void everyMeterCarriesTheNodesCommonTags() {
    PrometheusMeterRegistry registry = NodeMetrics.create(NODE);
    registry.counter(MetricNames.TASKS_RETRIED, "kind", "pi").increment();
    for (String line : registry.scrape().split("\n")) {
      if (!line.startsWith("#") && !line.isBlank()) {
        assertTrue(line.contains("service=\"worker\"") && line.contains("node=\"worker-7\"")
            && line.contains("version=\"1.2.3\"") && line.contains("zone=\"zone-b\""), line);
      }
    }
  }

  @Test
  void taskDurationsAreAHistogramWithAFewFixedBucketsEvenWhenAskedForPercentiles() {
    PrometheusMeterRegistry registry = NodeMetrics.create(NODE);
    Timer.builder(MetricNames.TASK_DURATION).tag("kind", "pi").publishPercentileHistogram().register(registry)
        .record(300, TimeUnit.MILLISECONDS);
    String text = registry.scrape();
    Matcher bucket = Pattern.compile("amdahl_task_duration_seconds_bucket\\{[^}]*le=\"([^\"]+)\"} (\\d+)").matcher(text);
    int buckets = 0;
    while (bucket.find()) {
      buckets++;
      double le = bucket.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bucket.group(1));
      assertEquals(le >= 0.3 ? 1 : 0, Integer.parseInt(bucket.group(2)), "bucket le=" + bucket.group(1));
    }
    assertEquals(NodeMetrics.TASK_DURATION_BUCKETS_SECONDS.length + 1, buckets, text);
    assertTrue(text.contains("# TYPE amdahl_task_duration_seconds histogram"), text);
  }

  @Test
  void processMetricsUseNamesThatPromtoolAccepts() {
    String text = NodeMetrics.create(NODE).scrape();
    assertTrue(text.contains("# TYPE process_cpu_seconds_total counter"), text);
    assertTrue(text.contains("# TYPE system_processors gauge"), text);
    assertFalse(text.contains("system_cpu_count"), "a gauge must not end in _count");
    assertFalse(text.contains("process_cpu_time_ns"), "CPU time is in seconds");
  }
}
