package dev.amdahl.coordinator;

import dev.amdahl.node.Logs;
import dev.amdahl.node.Names;
import dev.amdahl.node.NodeRuntime;
import dev.amdahl.node.TaskEvents;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The dashboard's live feed, {@code GET /api/events}: one stream of server-sent events per
 * browser, fed from one shared source. The cluster is read off the event loop once a second
 * and the job records a few times a second, however many browsers watch; task events from
 * the event bus are counted and batched. All state lives on this verticle's context.
 *
 * <p>Events: {@code init} (everything a new page needs), {@code cluster} (each second:
 * nodes, the newest throughput point, the local controls' state), {@code job} (a job
 * record that changed), {@code tiles} (Mandelbrot tiles just done, and by whom) and
 * {@code log} (one event-log entry).
 */
final class LiveEvents extends VerticleBase {
  private static final Logger LOG = Logs.logger(LiveEvents.class);
  private static final long FLUSH_MILLIS = 250;
  private static final long CLUSTER_MILLIS = 1000;
  private static final int LOG_SIZE = 200;
  private static final int HISTORY_POINTS = 300;
  private static final int RECENT_JOBS = 30;
  private static final int JOBS_PER_FLUSH = 100;
  private static final int TILES_PER_FLUSH = 4096;
  private static final int KNOWN_JOBS = 1000;
  private static final String MANDELBROT = "mandelbrot";

  private final NodeRuntime node;
  private final JobStore store;
  private final ClusterView cluster;
  private final LocalControlProxy local;
  private final TileLedger ledger;
  private final int maxClients;
  private final AtomicInteger clientCount = new AtomicInteger();
  private final List<SseClient> clients = new ArrayList<>();
  private final NodeHistory nodes = new NodeHistory(50, 15 * 60_000);
  private final Throughput throughput = new Throughput(HISTORY_POINTS, System.currentTimeMillis());
  private final Deque<JsonObject> log = new ArrayDeque<>();
  private final Set<String> dirtyJobs = new LinkedHashSet<>();
  private final Map<String, JobSeen> jobs = new LinkedHashMap<>(64, 0.75f, true);
  private final Map<String, JsonArray> doneTiles = new LinkedHashMap<>();
  private final Map<String, Integer> requeues = new TreeMap<>();
  private int doneTileCount;
  private boolean tilesTruncated;
  private JsonObject clusterMessage = new JsonObject().put("nodes", new JsonArray());
  private JsonObject localStatus;
  private boolean readingCluster;
  private boolean readingJobs;

  /** What this feed last saw of a job: enough to tell a change of state and where tiles go. */
  private record JobSeen(String kind, String state) {
  }

  LiveEvents(NodeRuntime node, JobStore store, ClusterView cluster, LocalControlProxy local, TileLedger ledger, int maxClients) {
    this.node = node;
    this.store = store;
    this.cluster = cluster;
    this.local = local;
    this.ledger = ledger;
    this.maxClients = maxClients;
  }

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    bus.<JsonObject>consumer(Names.TASK_DONE, m -> taskDone(m.body()));
    bus.consumer(Names.TASKS_DONE, m -> TaskEvents.forEachDone(m.body(), this::taskDone));
    bus.<JsonObject>consumer(Names.TASK_FAILED, m -> taskFailed(m.body()));
    bus.<JsonObject>consumer(Names.TASK_RETRIED, m -> taskRetried(m.body()));
    bus.<JsonObject>consumer(Names.TASK_REQUEUED, m -> requeues.merge(
        m.body().getString("reason", "?") + "|" + m.body().getString("owner", ""), 1, Integer::sum));
    bus.<JsonObject>consumer(Names.JOB_SUBMITTED, m -> jobChanged(m.body()));
    bus.<JsonObject>consumer(Names.JOB_UPDATED, m -> jobChanged(m.body()));
    bus.<JsonObject>consumer(Names.JOB_STOPPED, m -> jobChanged(m.body()));
    vertx.setPeriodic(FLUSH_MILLIS, id -> flush());
    vertx.setPeriodic(1, CLUSTER_MILLIS, id -> readCluster());
    return Future.succeededFuture();
  }

  /** {@code GET /api/events}: called on an HTTP event loop; the client joins on this verticle's context. */
  void connect(RoutingContext ctx) {
    if (context == null) {
      ApiError.send(ctx, 503, "the live feed is starting; try again in a moment");
      return;
    }
    if (clientCount.incrementAndGet() > maxClients) {
      clientCount.decrementAndGet();
      ApiError.send(ctx, 503, "too many dashboards follow this coordinator (at most " + maxClients
          + "); close one, or raise AMDAHL_DASHBOARD_CLIENTS");
      return;
    }
    SseClient client = SseClient.open(ctx.response());
    client.onClose(() -> {
      clientCount.decrementAndGet();
      context.runOnContext(v -> clients.remove(client));
    });
    vertx.executeBlocking(() -> store.list(RECENT_JOBS), false)
        .onComplete(listed -> context.runOnContext(v -> join(client, listed.succeeded() ? listed.result() : null)));
  }

  private void join(SseClient client, List<JsonObject> recent) {
    if (client.isClosed()) {
      return;
    }
    JsonArray jobList = new JsonArray();
    if (recent != null) {
      for (JsonObject job : recent) {
        remember(job);
        jobList.add(view(job));
      }
    }
    JsonArray logList = new JsonArray();
    log.forEach(logList::add);
    JsonObject init = new JsonObject()
        .put("coordinator", node.config().id())
        .put("localControl", local.available())
        .put("maxLiveTiles", TileImages.MAX_LIVE_TILES)
        .put("cluster", clusterMessage)
        .put("throughput", throughput.history())
        .put("log", logList)
        .put("jobs", jobList);
    if (recent == null) {
      init.put("jobsError", "the job list could not be read from the grid; it fills in as jobs change");
    }
    if (client.send(SseClient.frame("init", init))) {
      clients.add(client);
    }
  }

  // ---- from the event bus

  private void taskDone(JsonObject done) {
    String jobId = done.getString("jobId");
    String nodeId = done.getString("node");
    throughput.record(nodeId, done.getString("version"), done.getInteger("count", 1));
    if (done.getBoolean("replica", false)) {
      addLog(new JsonObject().put("type", "replica").put("job", jobId).put("node", nodeId)
          .put("text", "a replica of straggling task " + done.getString("key", jobId + "/" + done.getInteger("index")) + " won on " + nodeId));
    }
    JobSeen seen = jobs.get(jobId);
    // A job not seen yet is read for the event log; one that progressed, for those watching
    // (read at the next flush, once however many words came: the record shows the words heard).
    if (seen == null || !clients.isEmpty()) {
      dirtyJobs.add(jobId);
    }
    if (seen != null && !MANDELBROT.equals(seen.kind())) {
      return;
    }
    Integer index = done.getInteger("index");
    ledger.record(jobId, index, nodeId);
    if (doneTileCount < TILES_PER_FLUSH) {
      doneTiles.computeIfAbsent(jobId, id -> new JsonArray()).add(new JsonArray().add(index).add(nodeId));
      doneTileCount++;
    } else {
      tilesTruncated = true;
    }
  }

  private void taskFailed(JsonObject failed) {
    String jobId = failed.getString("jobId");
    JsonObject error = failed.getJsonObject("error", new JsonObject());
    JsonArray causes = error.getJsonArray("causes", new JsonArray());
    addLog(new JsonObject().put("type", "failure").put("job", jobId).put("node", error.getString("node"))
        .put("text", "task " + jobId + "/" + failed.getInteger("index") + " failed on every attempt"
            + (causes.isEmpty() ? "" : ": " + causes.getString(0))));
    dirtyJobs.add(jobId);
  }

  private void taskRetried(JsonObject retried) {
    addLog(new JsonObject().put("type", "retry").put("job", retried.getString("jobId")).put("node", retried.getString("node"))
        .put("text", "task " + retried.getString("jobId") + "/" + retried.getInteger("index") + " attempt "
            + retried.getInteger("attempt") + " failed on " + retried.getString("node") + " (" + retried.getString("cause")
            + "); it runs again"));
  }

  private void jobChanged(JsonObject event) {
    String jobId = event.getString("jobId");
    if (jobId == null) {
      return;
    }
    // With no one watching, only a change of state matters (it goes into the event log);
    // progress alone would be a read of the record from the grid for nobody.
    JobSeen seen = jobs.get(jobId);
    if (clients.isEmpty() && seen != null && seen.state().equals(event.getString("state"))) {
      return;
    }
    dirtyJobs.add(jobId);
  }

  // ---- a few times a second: batched tiles and requeues, changed job records

  private void flush() {
    if (!doneTiles.isEmpty()) {
      JsonObject byJob = new JsonObject();
      doneTiles.forEach(byJob::put);
      broadcast("tiles", new JsonObject().put("jobs", byJob).put("truncated", tilesTruncated));
      doneTiles.clear();
      doneTileCount = 0;
      tilesTruncated = false;
    }
    requeues.forEach((reasonAndOwner, count) -> {
      String[] parts = reasonAndOwner.split("\\|", 2);
      String owner = parts[1].isEmpty() ? null : parts[1];
      addLog(new JsonObject().put("type", "requeue").put("node", owner).put("count", count)
          .put("text", count + (count == 1 ? " task" : " tasks") + " requeued: " + requeueReason(parts[0], owner)));
    });
    requeues.clear();
    if (!dirtyJobs.isEmpty() && !readingJobs) {
      readJobs();
    }
  }

  private static String requeueReason(String reason, String owner) {
    String who = owner == null ? "its worker" : owner;
    return switch (reason) {
      case "OWNER_LEFT" -> who + " left the cluster holding them";
      case "LEASE_EXPIRED" -> "the lease of " + who + " expired (it stopped renewing)";
      case "HANDED_BACK" -> who + " handed them back while draining";
      case "ORPHANED" -> "taken off a queue by a worker that died before claiming them";
      default -> reason.toLowerCase(Locale.ROOT) + " (" + who + ")";
    };
  }

  private void readJobs() {
    List<String> ids = new ArrayList<>();
    Iterator<String> it = dirtyJobs.iterator();
    while (it.hasNext() && ids.size() < JOBS_PER_FLUSH) {
      ids.add(it.next());
      it.remove();
    }
    readingJobs = true;
    vertx.executeBlocking(() -> {
      List<JsonObject> found = new ArrayList<>();
      for (String id : ids) {
        store.get(id).ifPresent(found::add);
      }
      return found;
    }, false).onComplete(read -> {
      readingJobs = false;
      if (read.failed()) {
        dirtyJobs.addAll(ids);
        LOG.log(Level.FINE, "could not read job records for the dashboard", read.cause());
        return;
      }
      read.result().forEach(this::jobRead);
    });
  }

  private void jobRead(JsonObject job) {
    String id = job.getString("id");
    JobSeen before = jobs.get(id);
    remember(job);
    String state = job.getString("state");
    if (before == null || !before.state().equals(state)) {
      describeTransition(job).ifPresent(this::addLog);
    }
    if (!MANDELBROT.equals(job.getString("kind"))) {
      ledger.forget(id);
    }
    broadcast("job", view(job));
  }

  private Optional<JsonObject> describeTransition(JsonObject job) {
    String id = job.getString("id");
    String what = "job " + id + " (" + job.getString("kind") + ", " + job.getInteger("tasks") + " tasks)";
    JsonObject entry = new JsonObject().put("type", "job").put("job", id);
    String text = switch (JobState.valueOf(job.getString("state"))) {
      case QUEUED -> what + " submitted";
      case RUNNING -> what + " running";
      case SUCCEEDED -> what + " succeeded" + took(job);
      case FAILED -> {
        entry.put("type", "failure");
        JsonObject error = job.getJsonObject("error");
        yield what + " failed" + (error == null ? "" : ": " + error.getString("message", ""));
      }
      case CANCELLED -> what + " cancelled (" + job.getString("cancelReason", "stopped") + ")";
    };
    return Optional.of(entry.put("text", text));
  }

  private static String took(JsonObject job) {
    Long millis = job.getJsonObject("timeline", new JsonObject()).getLong("runMillis");
    return millis == null ? "" : String.format(Locale.ROOT, " in %.1f s", millis / 1000.0);
  }

  private void remember(JsonObject job) {
    jobs.put(job.getString("id"), new JobSeen(job.getString("kind"), job.getString("state")));
    while (jobs.size() > KNOWN_JOBS) {
      Iterator<String> eldest = jobs.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
  }

  private static JsonObject view(JsonObject job) {
    JsonObject out = job.copy();
    out.remove("dispatched");
    return out;
  }

  // ---- once a second: the cluster

  private void readCluster() {
    if (local.available() && !clients.isEmpty()) {
      local.status().onComplete(status -> localStatus = status.succeeded() ? status.result()
          : new JsonObject().put("error", "the ./amdahl local process did not answer: " + status.cause().getMessage()));
    }
    if (readingCluster) {
      return;
    }
    readingCluster = true;
    vertx.executeBlocking(cluster::snapshot, false).onComplete(read -> {
      readingCluster = false;
      if (read.failed()) {
        LOG.log(Level.FINE, "could not read the cluster for the dashboard", read.cause());
        clusterMessage = clusterMessage.copy().put("error", "the cluster could not be read: " + read.cause().getMessage());
        broadcast("cluster", clusterMessage);
        return;
      }
      clusterRead(read.result());
    });
  }

  private void clusterRead(JsonObject snapshot) {
    long now = snapshot.getLong("time", System.currentTimeMillis());
    nodes.update(snapshot.getJsonArray("members", new JsonArray()), now).forEach(this::addLog);
    JsonArray view = nodes.view(now);
    Map<String, Integer> workers = new TreeMap<>();
    for (int i = 0; i < view.size(); i++) {
      JsonObject each = view.getJsonObject(i);
      each.put("tasksPerSecond", throughput.rate(each.getString("id")));
      if ("worker".equals(each.getString("role")) && "READY".equals(each.getString("state"))) {
        workers.merge(each.getString("version", "?"), 1, Integer::sum);
      }
    }
    JsonObject point = throughput.tick(now, workers);
    clusterMessage = new JsonObject()
        .put("time", now)
        .put("leader", snapshot.getString("leader"))
        .put("coordinator", node.config().id())
        .put("nodes", view)
        .put("point", point)
        .put("local", localStatus);
    broadcast("cluster", clusterMessage);
  }

  // ---- out to the browsers

  private void addLog(JsonObject entry) {
    entry.put("time", System.currentTimeMillis());
    log.addLast(entry);
    while (log.size() > LOG_SIZE) {
      log.removeFirst();
    }
    broadcast("log", entry);
  }

  private void broadcast(String event, JsonObject data) {
    if (clients.isEmpty()) {
      return;
    }
    Buffer frame = SseClient.frame(event, data);
    clients.removeIf(client -> !client.send(frame));
  }
}
