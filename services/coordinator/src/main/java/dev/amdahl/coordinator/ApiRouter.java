package dev.amdahl.coordinator;

import dev.amdahl.jobs.JobSpec;
import dev.amdahl.jobs.SpecException;
import dev.amdahl.node.Logs;
import dev.amdahl.node.MetricNames;
import dev.amdahl.node.Names;
import dev.amdahl.node.NodeRuntime;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/** The HTTP API: submit, follow, cancel and fetch jobs; see the cluster. */
final class ApiRouter {
  private static final Logger LOG = Logs.logger(ApiRouter.class);
  private static final Pattern JOB_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
  /** The longest a {@code GET /api/jobs/:id?waitSeconds=N} is held. */
  static final int MAX_WAIT_SECONDS = 60;

  private final NodeRuntime node;
  private final JobStore store;
  private final JobManager manager;
  private final CoordinatorConfig config;
  private final ClusterView cluster;
  private final SubmitRateLimiter limiter;
  private final Tokens tokens;
  private final JobWaits waits;

  ApiRouter(NodeRuntime node, JobStore store, JobManager manager, CoordinatorConfig config, Tokens tokens) {
    this.tokens = tokens;
    this.node = node;
    this.store = store;
    this.manager = manager;
    this.config = config;
    this.cluster = new ClusterView(node.grid());
    this.limiter = new SubmitRateLimiter(config.submitRate(), config.submitBurst());
    this.waits = new JobWaits(node.vertx().eventBus());
  }

  Router router() {
    Router router = node.healthRouter();
    router.get("/").handler(tokens::exchange);
    router.route("/api/*").handler(tokens::require);
    router.post("/api/jobs").handler(BodyHandler.create(false).setBodyLimit(config.bodyLimit()));
    router.post("/api/jobs").handler(this::submit);
    router.get("/api/jobs").handler(this::list);
    router.get("/api/jobs/:id").handler(this::get);
    router.delete("/api/jobs/:id").handler(this::cancel);
    router.get("/api/jobs/:id/result").handler(this::result);
    router.get("/api/cluster").handler(ctx -> blocking(ctx, cluster::snapshot).onSuccess(ctx::json));
    Dashboard.mount(router, node, store);
    router.route().failureHandler(this::failure);
    router.errorHandler(404, ctx -> ApiError.send(ctx, 404, "no such resource: " + ctx.request().method() + " " + ctx.request().path()));
    router.errorHandler(405, ctx -> ApiError.send(ctx, 405, "method " + ctx.request().method() + " not allowed on " + ctx.request().path()));
    return router;
  }

  private void submit(RoutingContext ctx) {
    long waitMillis = limiter.tryAcquire(client(ctx), System.nanoTime());
    if (waitMillis > 0) {
      node.metrics().counter(MetricNames.SUBMISSIONS_LIMITED).increment();
      ctx.response().putHeader("retry-after", Long.toString(Math.max(1, (waitMillis + 999) / 1000)));
      ApiError.send(ctx, 429, new JsonObject()
          .put("error", "too many jobs submitted: at most " + config.submitBurst() + " at once and "
              + config.submitRate() + " per second; retry after " + waitMillis + " ms")
          .put("retryAfterMillis", waitMillis));
      return;
    }
    JobSpec spec;
    try {
      spec = JobSpec.parse(parseObject(ctx.body().buffer()));
    } catch (SpecException e) {
      ApiError.invalid(ctx, e.field(), e.rule());
      return;
    }
    String id = newJobId();
    JsonObject job = new JsonObject()
        .put("id", id)
        .put("kind", spec.kind())
        .put("params", spec.params())
        .put("tasks", spec.tasks())
        .put("state", JobState.QUEUED.name())
        .put("progress", new JsonObject().put("total", spec.tasks()).put("done", 0))
        .putNull("result")
        .putNull("error")
        .put("submittedAt", Instant.now().toString())
        .putNull("startedAt")
        .putNull("finishedAt")
        .put("timeline", new JsonObject());
    putIfSet(job, "maxAttempts", spec.maxAttempts());
    putIfSet(job, "deadlineSeconds", spec.deadlineSeconds());
    putIfSet(job, "taskTimeoutSeconds", spec.taskTimeoutSeconds());
    putIfSet(job, TaskGroups.FIELD, spec.tasksPerEntry());
    blocking(ctx, () -> store.create(job)).onSuccess(created -> {
      // The record as written rides along: the leader starts the job without reading it first.
      node.vertx().eventBus().publish(Names.JOB_SUBMITTED, new JsonObject().put("jobId", id).put("record", created.value().getValue()));
      ctx.response().setStatusCode(202).putHeader("location", "/api/jobs/" + id);
      ctx.json(new JsonObject().put("id", id).put("state", JobState.QUEUED.name()).put("tasks", spec.tasks()));
    });
  }

  private static void putIfSet(JsonObject job, String field, Integer value) {
    if (value != null) {
      job.put(field, value);
    }
  }

  /** Who is submitting, for rate limiting: the peer address. */
  private static String client(RoutingContext ctx) {
    return ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
  }

  private static JsonObject parseObject(Buffer body) {
    if (body == null || body.length() == 0) {
      throw new SpecException("body", "required: a JSON object {kind, params, tasks?}");
    }
    Object parsed;
    try {
      parsed = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw new SpecException("body", "must be well-formed JSON");
    }
    if (!(parsed instanceof JsonObject object)) {
      throw new SpecException("body", "must be a JSON object {kind, params, tasks?}");
    }
    return object;
  }

  private void list(RoutingContext ctx) {
    blocking(ctx, () -> store.list(200)).onSuccess(jobs -> {
      JsonArray out = new JsonArray();
      jobs.forEach(job -> out.add(view(job)));
      ctx.json(new JsonObject().put("jobs", out));
    });
  }

  private void get(RoutingContext ctx) {
    String id = jobId(ctx);
    if (id == null) {
      return;
    }
    String wait = ctx.request().getParam("waitSeconds");
    if (wait != null) {
      int seconds = waitSeconds(wait);
      if (seconds < 0) {
        ApiError.send(ctx, 400, new JsonObject().put("error", "waitSeconds must be a whole number from 0 to " + MAX_WAIT_SECONDS)
            .put("field", "waitSeconds").put("rule", "integer, 0 to " + MAX_WAIT_SECONDS));
        return;
      }
      if (seconds > 0) {
        hold(ctx, id, seconds);
        return;
      }
    }
    blocking(ctx, () -> store.get(id)).onSuccess(job -> {
      if (job.isEmpty()) {
        ApiError.send(ctx, 404, "no job with id " + id);
      } else {
        ctx.json(view(job.get()));
      }
    });
  }

  private static int waitSeconds(String value) {
    try {
      int seconds = Integer.parseInt(value);
      return seconds <= MAX_WAIT_SECONDS ? seconds : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Answers with the job once it has ended, or as it is after {@code seconds}: one request
   * instead of a client polling. Watching starts before the first look, so an end between
   * the two is not missed.
   */
  private void hold(RoutingContext ctx, String id, int seconds) {
    Hold hold = new Hold(ctx, id);
    hold.unwatch = waits.watch(id, () -> hold.look(false));
    hold.timer = node.vertx().setTimer(seconds * 1000L, t -> hold.look(true));
    if (hold.answered.get()) {
      // Answered by a word that came before the handles above were set.
      hold.unwatch.run();
      node.vertx().cancelTimer(hold.timer);
    }
    hold.look(false);
  }

  /** One held request: every look reads the job; the first that finds it ended, or the last, answers. */
  private final class Hold {
    private final RoutingContext ctx;
    private final String id;
    private final AtomicBoolean answered = new AtomicBoolean();
    private volatile Runnable unwatch;
    private volatile long timer = -1;

    Hold(RoutingContext ctx, String id) {
      this.ctx = ctx;
      this.id = id;
    }

    void look(boolean last) {
      node.vertx().executeBlocking(() -> store.get(id), false).onComplete(read -> {
        boolean ended = read.failed() || read.result().map(job -> JobState.valueOf(job.getString("state")).isFinal()).orElse(true);
        if (!(last || ended) || !answered.compareAndSet(false, true)) {
          return;
        }
        node.vertx().cancelTimer(timer);
        if (unwatch != null) {
          unwatch.run();
        }
        if (read.failed()) {
          ctx.fail(read.cause());
        } else if (read.result().isEmpty()) {
          ApiError.send(ctx, 404, "no job with id " + id);
        } else {
          ctx.json(view(read.result().get()));
        }
      });
    }
  }

  private void cancel(RoutingContext ctx) {
    String id = jobId(ctx);
    if (id == null) {
      return;
    }
    blocking(ctx, () -> store.update(id, job -> JobState.valueOf(job.getString("state")).isFinal() ? null
        : job.put("state", JobState.CANCELLED.name())
            .put("finishedAt", Instant.now().toString())
            .put("cancelReason", "user"))).onSuccess(job -> {
      if (job.isEmpty()) {
        ApiError.send(ctx, 404, "no job with id " + id);
        return;
      }
      node.vertx().eventBus().publish(Names.JOB_STOPPED, new JsonObject().put("jobId", id).put("reason", "user"));
      ctx.json(view(job.get()));
    });
  }

  private void result(RoutingContext ctx) {
    String id = jobId(ctx);
    if (id == null) {
      return;
    }
    blocking(ctx, () -> store.get(id)).onSuccess(found -> {
      if (found.isEmpty()) {
        ApiError.send(ctx, 404, "no job with id " + id);
        return;
      }
      JsonObject job = found.get();
      if (!JobState.SUCCEEDED.name().equals(job.getString("state"))) {
        ApiError.send(ctx, 409, new JsonObject()
            .put("error", "job " + id + " has no result: it is " + job.getString("state"))
            .put("state", job.getString("state")));
        return;
      }
      String contentType = job.getString("attachment");
      if (contentType == null) {
        ctx.json(job.getJsonObject("result"));
        return;
      }
      blocking(ctx, () -> store.attachment(id)).onSuccess(bytes -> {
        if (bytes.isEmpty()) {
          ApiError.send(ctx, 404, "the result file of job " + id + " is gone");
        } else {
          ctx.response().putHeader("content-type", contentType).end(Buffer.buffer(bytes.get()));
        }
      });
    });
  }

  private String jobId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (id == null || !JOB_ID.matcher(id).matches()) {
      ApiError.send(ctx, 400, new JsonObject().put("error", "malformed job id").put("field", "id")
          .put("rule", "lowercase letters, digits and '-', at most 64"));
      return null;
    }
    return id;
  }

  private static JsonObject view(JsonObject job) {
    JsonObject out = job.copy();
    out.remove("dispatched");
    return out;
  }

  /** Runs grid calls off the event loop; a failure becomes a JSON error, never a stack trace. */
  private <T> Future<T> blocking(RoutingContext ctx, Callable<T> call) {
    return node.vertx().executeBlocking(call, false).onFailure(ctx::fail);
  }

  private void failure(RoutingContext ctx) {
    int status = ctx.statusCode();
    if (status == 413) {
      ApiError.send(ctx, 413, new JsonObject().put("error", "request body larger than " + config.bodyLimit() + " bytes")
          .put("field", "body").put("rule", "at most " + config.bodyLimit() + " bytes"));
    } else if (status >= 400 && status < 500) {
      ApiError.send(ctx, status, "request rejected (" + status + ")");
    } else {
      String incident = UUID.randomUUID().toString();
      LOG.log(Level.SEVERE, "incident " + incident + " on " + ctx.request().method() + " " + ctx.request().path(), ctx.failure());
      ApiError.send(ctx, 503, new JsonObject()
          .put("error", "the coordinator could not complete this request; try again (incident " + incident + ")")
          .put("incident", incident));
    }
  }

  private static String newJobId() {
    return Long.toString(System.currentTimeMillis(), 36) + "-" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
  }
}
