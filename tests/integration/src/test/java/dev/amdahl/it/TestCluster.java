package dev.amdahl.it;

import dev.amdahl.cli.ApiClient;
import dev.amdahl.cli.Launcher;
import dev.amdahl.cli.LocalCluster;
import dev.amdahl.cli.NodeProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A real cluster for a test: a grid member, a coordinator and workers, each its own JVM,
 * started from this JVM's class path, with a cluster name of its own and logs under
 * {@code target/it-output/<name>}.
 */
final class TestCluster implements AutoCloseable {
  static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);
  private static final Set<String> FINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

  final LocalCluster cluster;
  final ApiClient api;

  private TestCluster(LocalCluster cluster) {
    this.cluster = cluster;
    this.api = new ApiClient(cluster.url(), cluster.token());
  }

  static TestCluster start(String name, int workers, Map<String, String> env) {
    Map<String, String> all = new HashMap<>(Map.of(
        "AMDAHL_WORKER_THREADS", "2",
        "AMDAHL_PULSE_MS", "500",
        "AMDAHL_LEASE_MS", "4000",
        "AMDAHL_DRAIN_SECONDS", "10"));
    all.putAll(env);
    Path logs = Path.of(System.getProperty("amdahl.it.output", "target/it-output")).resolve(name);
    LocalCluster cluster = new LocalCluster(Launcher.classPath(),
        new LocalCluster.Options(workers, 1, 0, "it-" + name + "-" + ProcessHandle.current().pid(), logs, all));
    try {
      cluster.start();
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return new TestCluster(cluster);
  }

  String submit(String kind, JsonObject params, Integer tasks) {
    JsonObject spec = new JsonObject().put("kind", kind).put("params", params);
    if (tasks != null) {
      spec.put("tasks", tasks);
    }
    return api.submit(spec);
  }

  /** Waits for a job to end and returns its record. */
  JsonObject awaitEnd(String id) {
    return Await.value("job " + id + " to end", JOB_TIMEOUT, () -> {
      JsonObject job = api.job(id);
      return FINAL.contains(job.getString("state")) ? job : null;
    });
  }

  JsonObject awaitSuccess(String id) {
    JsonObject job = awaitEnd(id);
    if (!"SUCCEEDED".equals(job.getString("state"))) {
      throw new AssertionError("job " + id + " ended " + job.getString("state") + ": " + job.encodePrettily());
    }
    return job;
  }

  int done(String id) {
    return api.job(id).getJsonObject("progress").getInteger("done");
  }

  JsonArray members() {
    return api.get("/api/cluster").json().getJsonArray("members");
  }

  /** The registry entry of the node whose id starts with the process's name. */
  JsonObject member(NodeProcess process) {
    for (Object o : members()) {
      JsonObject member = (JsonObject) o;
      if (member.getString("id").startsWith(process.name() + "-")) {
        return member;
      }
    }
    return null;
  }

  /** The leading coordinator's health and metrics URL (its API port serves no metrics). */
  String coordinatorHttp() {
    // A coordinator is ready a moment before its pulse says that it won the leader lock.
    return Await.value("a coordinator to lead", Duration.ofSeconds(60), () -> {
      for (Object o : members()) {
        JsonObject member = (JsonObject) o;
        if ("coordinator".equals(member.getString("role")) && member.getBoolean("leader", false)) {
          return member.getString("http");
        }
      }
      return null;
    });
  }

  long completedBy(NodeProcess worker) {
    JsonObject member = member(worker);
    return member == null ? 0 : member.getLong("completed", 0L);
  }

  /** Workers (by process name) whose registry entry says READY. */
  Set<String> readyWorkers() {
    return IntStream.range(0, members().size()).mapToObj(i -> members().getJsonObject(i))
        .filter(m -> "worker".equals(m.getString("role")) && "READY".equals(m.getString("state")))
        .map(m -> m.getString("id")).collect(Collectors.toSet());
  }

  @Override
  public void close() {
    cluster.close();
  }
}
