package dev.amdahl.coordinator;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The one shape of every error the API returns: a status and a JSON body saying what and where. */
final class ApiError {
  private ApiError() {
  }

  static void send(RoutingContext ctx, int status, String message) {
    send(ctx, status, new JsonObject().put("error", message));
  }

  static void invalid(RoutingContext ctx, String field, String rule) {
    send(ctx, 400, new JsonObject()
        .put("error", "invalid job spec: " + field + " " + rule)
        .put("field", field)
        .put("rule", rule));
  }

  static void send(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }
}
