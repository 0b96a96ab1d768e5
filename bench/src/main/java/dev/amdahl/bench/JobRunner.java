package dev.amdahl.bench;

import dev.amdahl.cli.ApiClient;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/** Submits a job to a coordinator and waits for its merged result, timing submit to result. */
final class JobRunner {
  private static final Set<String> FINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
  private static final int WAIT_SECONDS = 30;
  private static final long TIMEOUT_SECONDS = 180;

  private final ApiClient api;

  JobRunner(String url, String token) {
    this.api = new ApiClient(url, token);
  }

  /** A finished job and how long it took from submit to its merged result. */
  record Run(JsonObject job, double seconds) {
  }

  Run run(JsonObject spec) {
    long start = System.nanoTime();
    String id = api.submit(spec);
    // Held by the coordinator until the job ends: no polling load on the cluster being measured.
    JsonObject job = api.job(id, WAIT_SECONDS);
    long deadline = start + TIMEOUT_SECONDS * 1_000_000_000L;
    while (!FINAL.contains(job.getString("state"))) {
      if (System.nanoTime() > deadline) {
        cancel(id);
        throw new IllegalStateException("benchmark job " + id + " did not finish within " + TIMEOUT_SECONDS
            + " s (progress " + job.getJsonObject("progress") + "); the machine may be overloaded, see the node logs");
      }
      job = api.job(id, WAIT_SECONDS);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (!"SUCCEEDED".equals(job.getString("state"))) {
      throw new IllegalStateException("benchmark job " + id + " ended " + job.getString("state") + ": " + job.encode());
    }
    return new Run(job, seconds);
  }

  String submit(JsonObject spec) {
    return api.submit(spec);
  }

  JsonObject job(String id) {
    return api.job(id);
  }

  void cancel(String id) {
    api.delete("/api/jobs/" + id);
  }

  static JsonObject noop(int tasks) {
    return new JsonObject().put("kind", "sleep").put("tasks", tasks)
        .put("params", new JsonObject().put("tasks", tasks).put("millis", 0));
  }

  static JsonObject spin(int tasks, long iterations) {
    return new JsonObject().put("kind", "spin").put("tasks", tasks)
        .put("params", new JsonObject().put("tasks", tasks).put("iterations", iterations));
  }
}
