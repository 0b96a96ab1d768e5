package dev.amdahl.coordinator;

import dev.amdahl.node.Env;
import dev.amdahl.node.Logs;
import dev.amdahl.node.NodeRuntime;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live dashboard at {@code /}: the page (static files, no build step, nothing fetched
 * from the internet), its event stream, the tiles of Mandelbrot jobs as they render and,
 * under {@code ./amdahl local}, the cluster controls.
 */
final class Dashboard {
  private static final Logger LOG = Logs.logger(Dashboard.class);
  private static final Pattern TILE = Pattern.compile("(\\d{1,6})\\.png");
  private static final String PAGE_POLICY = "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; "
      + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  /** An answer other than success: its status and a message for the user. */
  static final class Problem extends RuntimeException {
    final int status;

    Problem(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  private final NodeRuntime node;
  private final LiveEvents live;
  private final TileImages tiles;
  private final LocalControlProxy local;

  Dashboard(NodeRuntime node, JobStore store, DashboardConfig config) {
    this.node = node;
    TileLedger ledger = new TileLedger(4, TileImages.MAX_LIVE_TILES);
    this.local = new LocalControlProxy(node.vertx(), config.localControlUrl());
    this.live = new LiveEvents(node, store, new ClusterView(node.grid()), local, ledger, config.maxClients());
    this.tiles = new TileImages(node.grid(), store, ledger);
    node.vertx().deployVerticle(live).onFailure(e -> LOG.log(Level.WARNING, "the dashboard's live feed did not start", e));
  }

  /** Adds the dashboard's routes to the API's router, its configuration read from the environment. */
  static void mount(Router router, NodeRuntime node, JobStore store) {
    new Dashboard(node, store, DashboardConfig.from(Env.system())).mount(router);
  }

  void mount(Router router) {
    router.get("/api/events").handler(live::connect);
    router.get("/api/jobs/:id/tiles").handler(ctx -> answer(ctx, () -> tiles.layout(ctx.pathParam("id"))).onSuccess(ctx::json));
    router.get("/api/jobs/:id/tiles/:tile").handler(this::tile);
    local.mount(router);
    router.routeWithRegex("/(?!api/|health/|metrics).*").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(this::pageHeaders)
        .handler(StaticHandler.create("webroot").setCachingEnabled(false).setDirectoryListing(false));
  }

  private void tile(RoutingContext ctx) {
    Matcher tile = TILE.matcher(ctx.pathParam("tile"));
    if (!tile.matches()) {
      ApiError.send(ctx, 400, "ask for a tile as /api/jobs/{id}/tiles/{index}.png");
      return;
    }
    int index = Integer.parseInt(tile.group(1));
    answer(ctx, () -> tiles.tile(ctx.pathParam("id"), index)).onSuccess(png -> ctx.response()
        .putHeader("content-type", "image/png")
        // A rendered tile never changes.
        .putHeader("cache-control", "private, max-age=3600")
        .end(Buffer.buffer(png)));
  }

  private void pageHeaders(RoutingContext ctx) {
    ctx.response()
        .putHeader("content-security-policy", PAGE_POLICY)
        .putHeader("x-content-type-options", "nosniff")
        .putHeader("referrer-policy", "no-referrer");
    ctx.next();
  }

  /** Runs {@code call} off the event loop; a {@link Problem} becomes its JSON error, anything else an incident. */
  private <T> Future<T> answer(RoutingContext ctx, Callable<T> call) {
    return node.vertx().executeBlocking(call, false).onFailure(e -> {
      if (e instanceof Problem problem) {
        ApiError.send(ctx, problem.status, problem.getMessage());
      } else {
        ctx.fail(e);
      }
    });
  }
}
