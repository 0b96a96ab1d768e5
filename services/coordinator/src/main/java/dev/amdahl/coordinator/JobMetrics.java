package dev.amdahl.coordinator;

import dev.amdahl.jobs.JobKinds;
import dev.amdahl.node.MetricNames;
import dev.amdahl.node.NodeRuntime;
import dev.amdahl.node.grid.Requeue;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a coordinator measures about jobs from their records: each running job's progress and
 * the jobs past their deadline (read when the metrics are scraped, at most every two seconds:
 * {@link dev.amdahl.node.NodeRuntime#measureWhenScraped}). It also
 * registers every series at zero, so that rates work from the first event. Each finished
 * job's timeline is recorded by {@link Timeline}.
 */
final class JobMetrics {
  private static final long REFRESH_MILLIS = 2000;

  private final NodeRuntime node;
  private final JobStore store;
  private final MeterRegistry registry;
  private final AtomicLong overdue = new AtomicLong();
  private final MultiGauge progress;

  JobMetrics(NodeRuntime node, JobStore store) {
    this.node = node;
    this.store = store;
    this.registry = node.metrics();
    this.progress = MultiGauge.builder(MetricNames.JOB_PROGRESS).register(registry);
  }

  void start() {
    register();
    node.measureWhenScraped(REFRESH_MILLIS, this::measure);
  }

  private void register() {
    Gauge.builder(MetricNames.JOBS_OVERDUE, overdue, AtomicLong::get).register(registry);
    registry.counter(MetricNames.LEASE_EXPIRATIONS);
    for (Requeue.Reason reason : Requeue.Reason.values()) {
      if (reason != Requeue.Reason.HANDED_BACK) {
        registry.counter(MetricNames.TASKS_REQUEUED, "reason", reason.name().toLowerCase(Locale.ROOT));
      }
    }
    for (String kind : JobKinds.names()) {
      for (JobState state : JobState.values()) {
        if (state.isFinal()) {
          registry.counter(MetricNames.JOBS_FINISHED, "kind", kind, "state", state.name());
        }
      }
      for (String phase : MetricNames.JOB_PHASES) {
        phase(kind, phase);
      }
      jobWork(kind);
    }
  }

  private Timer phase(String kind, String phase) {
    return Timer.builder(MetricNames.JOB_PHASE).tags("kind", kind, "phase", phase).register(registry);
  }

  private Timer jobWork(String kind) {
    return Timer.builder(MetricNames.JOB_WORK).tag("kind", kind).register(registry);
  }

  private void measure() {
    long now = System.currentTimeMillis();
    long late = 0;
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (JobState state : List.of(JobState.QUEUED, JobState.RUNNING)) {
      for (JsonObject job : store.inState(state)) {
        Instant submitted = instant(job.getValue("submittedAt"));
        Integer deadlineSeconds = job.getInteger("deadlineSeconds");
        if (submitted != null && deadlineSeconds != null && submitted.toEpochMilli() + deadlineSeconds * 1000L < now) {
          late++;
        }
        JsonObject counts = job.getJsonObject("progress");
        if (state == JobState.RUNNING && counts != null && counts.getInteger("total", 0) > 0) {
          rows.add(MultiGauge.Row.of(Tags.of("job", job.getString("id"), "kind", job.getString("kind")),
              counts.getInteger("done", 0) / (double) counts.getInteger("total")));
        }
      }
    }
    overdue.set(late);
    progress.register(rows, true);
  }

  private static Instant instant(Object value) {
    if (value instanceof Number number) {
      return Instant.ofEpochMilli(number.longValue());
    }
    if (value instanceof String text) {
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    return null;
  }
}
