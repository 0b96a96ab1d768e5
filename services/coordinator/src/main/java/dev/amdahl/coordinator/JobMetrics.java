package dev.amdahl.coordinator;

import dev.amdahl.jobs.JobKinds;
import dev.amdahl.node.Logs;
import dev.amdahl.node.MetricNames;
import dev.amdahl.node.Names;
import dev.amdahl.node.NodeRuntime;
import dev.amdahl.node.grid.Requeue;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * What a coordinator measures about jobs: each running job's progress, jobs past their
 * deadline, and for each job that succeeded its timeline (queue wait, split, dispatch,
 * execution, merge) and the task time it needed in all, from which the dashboards derive
 * the serial fraction and the speedup. Job records are read on the node's scheduler; a
 * job's timeline is recorded once, by the leader, when the job stops.
 */
final class JobMetrics {
  private static final Logger LOG = Logs.logger(JobMetrics.class);
  private static final long REFRESH_MILLIS = 2000;
  private static final long FORGET_WORK_MILLIS = TimeUnit.MINUTES.toMillis(30);
  /** The job record's field with its deadline: an ISO-8601 instant or epoch milliseconds. */
  static final String DEADLINE_FIELD = "deadline";

  private final NodeRuntime node;
  private final JobStore store;
  private final JobManager manager;
  private final MeterRegistry registry;
  private final AtomicLong overdue = new AtomicLong();
  private final MultiGauge progress;
  private final Map<String, Work> work = new ConcurrentHashMap<>();
  private final Set<String> recorded = Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > 10_000;
    }
  }));

  /** Task time a job has used so far, as the workers reported it. */
  private static final class Work {
    final LongAdder micros = new LongAdder();
    volatile long touchedAt = System.currentTimeMillis();
  }

  JobMetrics(NodeRuntime node, JobStore store, JobManager manager) {
    this.node = node;
    this.store = store;
    this.manager = manager;
    this.registry = node.metrics();
    this.progress = MultiGauge.builder(MetricNames.JOB_PROGRESS).register(registry);
  }

  void start() {
    register();
    var bus = node.vertx().eventBus();
    bus.<JsonObject>consumer(Names.TASK_DONE, message -> addWork(message.body()));
    bus.<JsonObject>consumer(Names.JOB_STOPPED, message -> stopped(message.body().getString("jobId")));
    node.measureEvery(REFRESH_MILLIS, this::measure);
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

  private void addWork(JsonObject event) {
    String jobId = event.getString("jobId");
    Long micros = event.getLong("micros");
    if (jobId != null && micros != null) {
      Work entry = work.computeIfAbsent(jobId, id -> new Work());
      entry.micros.add(micros);
      entry.touchedAt = System.currentTimeMillis();
    }
  }

  private void stopped(String jobId) {
    if (jobId == null) {
      return;
    }
    if (manager.isLeader()) {
      node.scheduler().execute(() -> record(jobId));
    } else {
      work.remove(jobId);
    }
  }

  /** Records the timeline of a job that succeeded, once. */
  private void record(String jobId) {
    Work used = work.remove(jobId);
    JsonObject job;
    try {
      job = store.get(jobId).orElse(null);
    } catch (RuntimeException e) {
      LOG.fine(() -> "could not read job " + jobId + " to record its timeline: " + e);
      return;
    }
    if (job == null || !JobState.SUCCEEDED.name().equals(job.getString("state")) || !recorded.add(jobId)) {
      return;
    }
    String kind = job.getString("kind");
    JsonObject timeline = job.getJsonObject("timeline", new JsonObject());
    long split = timeline.getLong("splitMillis", 0L);
    long merge = timeline.getLong("mergeMillis", 0L);
    Instant submitted = instant(job.getValue("submittedAt"));
    Instant started = instant(job.getValue("startedAt"));
    if (submitted != null && started != null) {
      millis(phase(kind, "queue"), Duration.between(submitted, started).toMillis() - split);
    }
    millis(phase(kind, "split"), split);
    millis(phase(kind, "dispatch"), timeline.getLong("dispatchMillis", 0L));
    if (timeline.containsKey("runMillis")) {
      millis(phase(kind, "execute"), timeline.getLong("runMillis") - merge);
    }
    millis(phase(kind, "merge"), merge);
    if (used != null) {
      jobWork(kind).record(used.micros.sum(), TimeUnit.MICROSECONDS);
    }
  }

  private Timer phase(String kind, String phase) {
    return Timer.builder(MetricNames.JOB_PHASE).tags("kind", kind, "phase", phase).register(registry);
  }

  private Timer jobWork(String kind) {
    return Timer.builder(MetricNames.JOB_WORK).tag("kind", kind).register(registry);
  }

  private static void millis(Timer timer, long millis) {
    timer.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
  }

  private void measure() {
    long now = System.currentTimeMillis();
    long late = 0;
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (JobState state : List.of(JobState.QUEUED, JobState.RUNNING)) {
      for (JsonObject job : store.inState(state)) {
        Instant deadline = instant(job.getValue(DEADLINE_FIELD));
        if (deadline != null && deadline.toEpochMilli() < now) {
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
    work.values().removeIf(entry -> now - entry.touchedAt > FORGET_WORK_MILLIS);
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
