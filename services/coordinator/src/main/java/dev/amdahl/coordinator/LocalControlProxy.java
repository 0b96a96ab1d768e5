package dev.amdahl.coordinator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The cluster controls of {@code ./amdahl local}: add a worker, stop one gracefully, kill
 * one, roll every worker to a new version. The worker processes belong to the CLI, which
 * takes these requests on a loopback URL given to this coordinator; here they are only
 * passed on. Without that URL, {@code GET /api/local} says the controls are not available.
 *
 * <p>Changes must be POSTed as JSON: a form on another site cannot send that without the
 * browser asking this server first, which it does not allow.
 */
final class LocalControlProxy {
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
  private static final long TIMEOUT_MILLIS = 10_000;

  private final String baseUrl;
  private final HttpClient http;

  LocalControlProxy(Vertx vertx, String baseUrl) {
    this.baseUrl = baseUrl;
    this.http = baseUrl == null ? null : vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2000));
  }

  boolean available() {
    return baseUrl != null;
  }

  void mount(Router router) {
    router.get("/api/local").handler(this::status);
    router.post("/api/local/*").handler(this::requireJson);
    router.post("/api/local/*").handler(BodyHandler.create(false).setBodyLimit(1024));
    router.post("/api/local/workers").handler(ctx -> forward(ctx, "/workers"));
    router.post("/api/local/workers/:node/:action").handler(this::workerAction);
    router.post("/api/local/roll").handler(ctx -> forward(ctx, "/roll"));
  }

  /** The controls' state: workers the CLI started and any rolling upgrade. */
  Future<JsonObject> status() {
    return call(HttpMethod.GET, "/status", null).map(answer -> new JsonObject(answer.body()).put("available", true));
  }

  private void status(RoutingContext ctx) {
    if (!available()) {
      ctx.json(new JsonObject().put("available", false)
          .put("reason", "cluster controls exist only in a cluster started by ./amdahl local"));
      return;
    }
    status().onSuccess(ctx::json).onFailure(e -> unreachable(ctx, e));
  }

  private void requireJson(RoutingContext ctx) {
    if (!available()) {
      ApiError.send(ctx, 404, "cluster controls exist only in a cluster started by ./amdahl local");
      return;
    }
    String type = ctx.request().getHeader("content-type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      ApiError.send(ctx, 415, "send cluster controls as application/json");
      return;
    }
    ctx.next();
  }

  private void workerAction(RoutingContext ctx) {
    String nodeId = ctx.pathParam("node");
    String action = ctx.pathParam("action");
    if (!NODE_ID.matcher(nodeId).matches() || !(action.equals("stop") || action.equals("kill"))) {
      ApiError.send(ctx, 404, "no such control: POST /api/local/workers/{node id}/stop or /kill");
      return;
    }
    forward(ctx, "/workers/" + URLEncoder.encode(nodeId, StandardCharsets.UTF_8) + "/" + action);
  }

  private void forward(RoutingContext ctx, String path) {
    Buffer body = ctx.body().buffer();
    if (body != null && body.length() > 0) {
      try {
        new JsonObject(body);
      } catch (DecodeException e) {
        ApiError.send(ctx, 400, "the body must be a JSON object");
        return;
      }
    }
    call(HttpMethod.POST, path, body).onSuccess(answer -> ctx.response().setStatusCode(answer.status())
        .putHeader("content-type", "application/json").end(answer.body())).onFailure(e -> unreachable(ctx, e));
  }

  private record Answer(int status, Buffer body) {
  }

  private Future<Answer> call(HttpMethod method, String path, Buffer body) {
    RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(baseUrl + path)
        .setTimeout(TIMEOUT_MILLIS).putHeader("content-type", "application/json");
    return http.request(options)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.body().map(bytes -> new Answer(response.statusCode(), bytes)));
  }

  private static void unreachable(RoutingContext ctx, Throwable e) {
    ApiError.send(ctx, 502, "the ./amdahl local process that owns the nodes did not answer: " + e.getMessage());
  }
}
