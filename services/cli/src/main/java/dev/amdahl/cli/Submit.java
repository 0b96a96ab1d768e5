package dev.amdahl.cli;

import io.vertx.core.json.JsonObject;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/** {@code ./amdahl submit}: send a job, optionally follow it with a progress bar to its result. */
final class Submit {
  private static final Set<String> FINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
  private static final int BAR = 30;

  private final ApiClient api;
  private final PrintStream out;
  private final PrintStream err;

  Submit(String url, String token, PrintStream out, PrintStream err) {
    this.api = new ApiClient(url, token);
    this.out = out;
    this.err = err;
  }

  int run(AmdahlCli.Options options) {
    String kind = options.positional("KIND");
    JsonObject spec = new JsonObject().put("kind", kind).put("params", AmdahlCli.paramsOf(options.options("--param")));
    putOption(spec, "tasks", options.intOption("--tasks", 0, 1, Integer.MAX_VALUE));
    putOption(spec, "maxAttempts", options.intOption("--max-attempts", 0, 1, 10));
    putOption(spec, "deadlineSeconds", options.intOption("--deadline", 0, 1, Integer.MAX_VALUE));
    putOption(spec, "taskTimeoutSeconds", options.intOption("--task-timeout", 0, 1, Integer.MAX_VALUE));
    boolean wait = options.flag("--wait");
    options.requireEmpty();
    ApiClient.Response response = api.post("/api/jobs", spec.encode());
    if (response.status() != 202) {
      JsonObject error = parseError(response);
      err.println("amdahl: job rejected (HTTP " + response.status() + "): " + error.getString("error", response.text()));
      return 1;
    }
    String id = response.json().getString("id");
    out.println("submitted job " + id + " (" + response.json().getInteger("tasks") + " tasks)");
    return wait ? follow(id) : 0;
  }

  private static void putOption(JsonObject spec, String field, int value) {
    if (value > 0) {
      spec.put(field, value);
    }
  }

  private int follow(String id) {
    long start = System.nanoTime();
    JsonObject job = api.job(id);
    while (!FINAL.contains(job.getString("state"))) {
      progress(job, start);
      // The coordinator answers as soon as the job ends, or after a second with its progress.
      job = api.job(id, 1);
    }
    progress(job, start);
    err.println();
    String state = job.getString("state");
    out.printf("job %s %s in %.1f s%n", id, state, (System.nanoTime() - start) / 1e9);
    if (!"SUCCEEDED".equals(state)) {
      JsonObject error = job.getJsonObject("error");
      out.println(error == null ? "cancelled: " + job.getString("cancelReason", "") : error.encodePrettily());
      return 1;
    }
    out.println(job.getJsonObject("result").encodePrettily());
    if (job.getString("attachment") != null) {
      Path file = Path.of(id + (job.getString("attachment").equals("image/png") ? ".png" : ".bin"));
      AmdahlCli.write(file, api.get("/api/jobs/" + id + "/result").body());
      out.println("result file: " + file.toAbsolutePath());
    }
    return 0;
  }

  private void progress(JsonObject job, long start) {
    JsonObject progress = job.getJsonObject("progress", new JsonObject());
    int total = Math.max(1, progress.getInteger("total", 1));
    int done = progress.getInteger("done", 0);
    int filled = done * BAR / total;
    err.printf("\r[%s%s] %3d%% %d/%d tasks  %-9s %.1f s", "#".repeat(filled), " ".repeat(BAR - filled),
        done * 100 / total, done, total, job.getString("state"), (System.nanoTime() - start) / 1e9);
    err.flush();
  }

  private static JsonObject parseError(ApiClient.Response response) {
    try {
      return response.json();
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }
}
