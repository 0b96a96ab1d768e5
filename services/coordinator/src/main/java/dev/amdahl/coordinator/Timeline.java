package dev.amdahl.coordinator;

import dev.amdahl.node.MetricNames;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;

/**
 * A job's timeline: the serial phases (split, dispatch, merge) against the parallel one (task
 * execution), so that its serial fraction — the input to Amdahl's law — can be measured.
 *
 * <pre>
 *   serialFraction = (split + dispatch + merge) / (split + dispatch + merge + execution)
 * </pre>
 * where execution is the sum of every task's run time: the job's time on one worker.
 */
final class Timeline {
  private Timeline() {
  }

  static JsonObject complete(JsonObject timeline, long mergeMillis, long executionMillis, long firstClaimedAt) {
    long serial = timeline.getLong("splitMillis", 0L) + timeline.getLong("dispatchMillis", 0L) + mergeMillis;
    long dispatchedAt = timeline.getLong("dispatchedAt", firstClaimedAt);
    timeline.put("mergeMillis", mergeMillis)
        .put("executionMillis", executionMillis)
        .put("queueWaitMillis", Math.max(0, firstClaimedAt - dispatchedAt))
        .put("serialMillis", serial)
        .put("serialFraction", serial + executionMillis == 0 ? 0.0 : (double) serial / (serial + executionMillis));
    return timeline;
  }

  /** Records a succeeded job's phases (see {@link MetricNames#JOB_PHASES}), its task time and serial fraction. */
  static void record(MeterRegistry metrics, String kind, JsonObject timeline) {
    long merge = timeline.getLong("mergeMillis", 0L);
    phase(metrics, kind, "queue", timeline.getLong("queueWaitMillis", 0L));
    phase(metrics, kind, "split", timeline.getLong("splitMillis", 0L));
    phase(metrics, kind, "dispatch", timeline.getLong("dispatchMillis", 0L));
    phase(metrics, kind, "execute", Math.max(0, timeline.getLong("runMillis", 0L) - merge));
    phase(metrics, kind, "merge", merge);
    Timer.builder(MetricNames.JOB_WORK).tag("kind", kind).register(metrics)
        .record(timeline.getLong("executionMillis", 0L), TimeUnit.MILLISECONDS);
    DistributionSummary.builder(MetricNames.JOB_SERIAL_FRACTION).tag("kind", kind).register(metrics)
        .record(timeline.getDouble("serialFraction", 0.0));
  }

  private static void phase(MeterRegistry metrics, String kind, String phase, long millis) {
    Timer.builder(MetricNames.JOB_PHASE).tag("kind", kind).tag("phase", phase).register(metrics)
        .record(millis, TimeUnit.MILLISECONDS);
  }
}
