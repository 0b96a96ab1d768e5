package dev.amdahl.node;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.amdahl.node.grid.Grid;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What every node has: its place in the cluster (a Hazelcast member, and for coordinators
 * and workers a clustered Vert.x), a metrics registry, health and metrics over HTTP, a
 * pulse that keeps its entry in the node registry fresh, and a graceful shutdown.
 */
public final class NodeRuntime {
  private static final Logger LOG = Logs.logger(NodeRuntime.class);
  /** How long a scrape waits for the measurements it starts. */
  public static final long MEASURE_WAIT_MILLIS = 1000;

  private final NodeConfig config;
  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final Grid grid;
  private final PrometheusMeterRegistry metrics;
  private final ScheduledExecutorService scheduler;
  private final long startedAt = System.currentTimeMillis();
  private final HealthFile healthFile = HealthFile.from(Env.system());
  private volatile NodeState state = NodeState.JOINING;
  private volatile Supplier<JsonObject> details = JsonObject::new;
  private volatile Supplier<String> livenessProblem = () -> null;
  private volatile int httpPort;
  /** Where the gauges that need grid calls are measured: off the scheduler that pulses. */
  private final ExecutorService measurer = Executors.newSingleThreadExecutor(daemon("amdahl-measure"));
  private final ScrapeMeasures measures = new ScrapeMeasures(System::nanoTime, measurer, this::measureFailed);

  private NodeRuntime(NodeConfig config, Vertx vertx, HazelcastInstance hazelcast, PrometheusMeterRegistry metrics) {
    this.config = config;
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.grid = new Grid(hazelcast);
    this.metrics = metrics;
    this.scheduler = Executors.newScheduledThreadPool(2, daemon("amdahl-pulse"));
  }

  private static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Joins the cluster: a grid node as a Hazelcast data member (with a local Vert.x for its
   * HTTP endpoints), any other node as a clustered Vert.x on a Hazelcast lite member.
   * Blocks until joined; for {@code main} only.
   */
  public static NodeRuntime join(NodeConfig config) {
    PrometheusMeterRegistry metrics = NodeMetrics.create(config);
    VertxOptions options = new VertxOptions()
        .setEventLoopPoolSize(2)
        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(false));
    var builder = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(metrics));
    Vertx vertx;
    HazelcastInstance hazelcast;
    if (config.role() == Role.GRID) {
      hazelcast = Hazelcast.newHazelcastInstance(HazelcastSetup.config(config));
      vertx = builder.build();
    } else {
      options.getEventBusOptions().setHost(config.bindHost()).setClusterPublicHost(config.advertisedHost());
      HazelcastClusterManager clusterManager = new HazelcastClusterManager(HazelcastSetup.config(config));
      try {
        vertx = builder.withClusterManager(clusterManager).buildClustered().await();
      } catch (com.hazelcast.partition.NoDataMemberInClusterException e) {
        LOG.severe(() -> "found no grid member of cluster '" + config.clusterName() + "' at " + config.seeds()
            + ": start the grid first, and check AMDAHL_SEEDS and AMDAHL_CLUSTER (a grid of another cluster name refuses this node)");
        System.exit(2);
        throw e;
      } catch (RuntimeException e) {
        // Hazelcast's threads would keep a node that failed to join alive: a member that never works.
        LOG.log(Level.SEVERE, config.id() + " could not join the cluster; exiting", e);
        System.exit(1);
        throw e;
      }
      hazelcast = clusterManager.getHazelcastInstance();
    }
    TaskEvents.registerCodec(vertx.eventBus());
    NodeRuntime runtime = new NodeRuntime(config, vertx, hazelcast, metrics);
    ClusterMetrics.bind(runtime);
    runtime.exitWithParent();
    LOG.info(() -> config.role().label() + " " + config.id() + " (version " + config.version() + ", zone "
        + config.zone() + ") joined cluster '" + config.clusterName() + "' with "
        + hazelcast.getCluster().getMembers().size() + " members");
    return runtime;
  }

  public NodeConfig config() {
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Grid grid() {
    return grid;
  }

  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  public NodeState state() {
    return state;
  }

  /** For background work that talks to the grid: never on an event loop. */
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /**
   * Runs {@code measure} when {@code /metrics} is scraped, before the gauges it sets are read,
   * for gauges whose values need grid calls; a scrape within {@code millis} of the last run
   * reads what that run found. Nothing is measured while nothing scrapes: measuring on a
   * timer cost every node, the grid members most, a dozen calls a second whether or not a
   * Prometheus was there to read them, and on a small machine that CPU is the tasks'. A
   * scrape waits at most {@link #MEASURE_WAIT_MILLIS} for the measurements (a member that does
   * not answer delays it no longer: it reads the last values); a failed run is logged.
   */
  public void measureWhenScraped(long millis, Runnable measure) {
    measures.add(millis, measure);
  }

  /** Role-specific fields added to this node's registry entry on each pulse. */
  public void describeWith(Supplier<JsonObject> details) {
    this.details = details;
  }

  /**
   * Makes {@code /health/live} fail while {@code problem} returns a description: for a node
   * that cannot heal itself, so that its runtime restarts it.
   */
  public void livenessCheck(Supplier<String> problem) {
    this.livenessProblem = problem;
  }

  /** A router with {@code /health/live}, {@code /health/ready} and {@code /metrics}. */
  public Router router() {
    Router router = healthRouter();
    addMetrics(router);
    return router;
  }

  /** A router with {@code /health/live} and {@code /health/ready} only, for a public port. */
  public Router healthRouter() {
    Router router = Router.router(vertx);
    router.get("/health/live").handler(ctx -> {
      String problem = livenessProblem.get();
      ctx.response().setStatusCode(problem == null ? 200 : 503);
      ctx.json(problem == null ? new JsonObject().put("status", "UP")
          : new JsonObject().put("status", "DOWN").put("problem", problem));
    });
    router.get("/health/ready").handler(ctx -> {
      boolean ready = isReady();
      ctx.response().setStatusCode(ready ? 200 : 503);
      ctx.json(new JsonObject().put("status", ready ? "UP" : "DOWN").put("state", state.name()));
    });
    return router;
  }

  private void addMetrics(Router router) {
    // Off the event loop: a scrape reads every gauge, and a few read Hazelcast's local stats.
    router.get("/metrics").handler(ctx -> vertx.executeBlocking(this::scrape, false)
        .onSuccess(text -> ctx.response()
            .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
            .end(text))
        .onFailure(ctx::fail));
  }

  private void measureFailed(RuntimeException e) {
    // While the node leaves the cluster, measuring fails as a matter of course.
    Level level = hazelcast.getLifecycleService().isRunning() && state != NodeState.DRAINING ? Level.WARNING : Level.FINE;
    LOG.log(level, "measuring metrics failed; the scrape reads the last values: " + e);
  }

  /** The metrics in Prometheus' text format, measured first where a gauge needs it. */
  private String scrape() {
    measures.refresh(MEASURE_WAIT_MILLIS);
    return metrics.scrape();
  }

  /** Serves {@code router} (health and metrics) on the configured HTTP port; blocks until listening. */
  public HttpServer listen(Router router) {
    HttpServer server = serve(router, config.httpPort());
    httpPort = server.actualPort();
    LOG.info(() -> "health and metrics on " + httpUrl());
    return server;
  }

  /**
   * Serves {@code router} on another port ({@code 0}: any free one); blocks until listening.
   * A node that cannot listen exits: Hazelcast's and Vert.x's threads would otherwise keep a
   * node alive that nobody can reach, never ready.
   */
  public HttpServer serve(Router router, int port) {
    try {
      return vertx.createHttpServer(new HttpServerOptions()
              .setHost(config.bindHost())
              .setPort(port)
              .setCompressionSupported(true))
          .requestHandler(router)
          .listen().await();
    } catch (Exception e) {  // await() rethrows the bind's IOException as it is
      LOG.severe(() -> config.id() + " cannot listen on " + config.bindHost() + ":" + port + " (" + e
          + "): another process has that port, or it is not allowed; choose another (AMDAHL_HTTP_PORT,"
          + " or AMDAHL_API_PORT for a coordinator's API; 0 picks a free one). Leaving the cluster and exiting");
      // Before it was ready there is nothing to drain.
      leaveCluster();
      Logs.closeAtExit();
      System.exit(1);
      throw new IllegalStateException("cannot listen on port " + port, e);
    }
  }

  /** The base URL of this node's health and metrics endpoints. */
  public String httpUrl() {
    return "http://" + config.advertisedHost() + ":" + httpPort;
  }

  /** Marks the node ready and starts its pulse. */
  public void ready(long pulseMillis) {
    state = NodeState.READY;
    pulse();
    scheduler.scheduleAtFixedRate(this::pulse, pulseMillis, pulseMillis, TimeUnit.MILLISECONDS);
  }

  public boolean isReady() {
    return state == NodeState.READY && hazelcast.getLifecycleService().isRunning();
  }

  /** Writes this node's entry to the registry; it expires unless the next pulse renews it. */
  public void pulse() {
    healthFile.write(state, isReady());
    if (!hazelcast.getLifecycleService().isRunning()) {
      return;
    }
    try {
      grid.nodes().set(config.id(), describe().encode(), 10, TimeUnit.SECONDS);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "pulse could not reach the grid: " + e);
    }
  }

  public JsonObject describe() {
    return new JsonObject()
        .put("id", config.id())
        .put("role", config.role().label())
        .put("version", config.version())
        .put("zone", config.zone())
        .put("state", state.name())
        .put("host", config.advertisedHost())
        .put("pid", ProcessHandle.current().pid())
        .put("http", httpUrl())
        .put("startedAt", startedAt)
        .put("pulseAt", System.currentTimeMillis())
        .mergeIn(details.get());
  }

  /**
   * On SIGTERM (or when the launching process dies): report draining, run {@code drain}
   * (stop taking work, finish or hand back what it holds), leave the registry and the
   * cluster, exit.
   */
  public void onShutdown(Runnable drain) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(drain), "amdahl-shutdown"));
  }

  private void shutdown(Runnable drain) {
    LOG.info(() -> config.id() + " draining");
    state = NodeState.DRAINING;
    pulse();
    try {
      drain.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "drain did not finish cleanly", e);
    }
    try {
      grid.nodes().delete(config.id());
    } catch (RuntimeException e) {
      LOG.fine("could not leave the node registry: " + e);
    }
    scheduler.shutdownNow();
    measurer.shutdownNow();
    leaveCluster();
    LOG.info(() -> config.id() + " left the cluster");
    Logs.closeAtExit();
  }

  /** Leaves the cluster gracefully: a grid member hands its partitions over before it goes. */
  private void leaveCluster() {
    try {
      if (config.role() == Role.GRID) {
        hazelcast.shutdown();
      }
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.log(Level.WARNING, "leaving the cluster failed", e);
    }
  }

  // ./amdahl local passes its pid: a node it started never outlives it.
  private void exitWithParent() {
    String parent = System.getenv("AMDAHL_PARENT_PID");
    if (parent == null) {
      return;
    }
    ProcessHandle.of(Long.parseLong(parent)).ifPresentOrElse(
        handle -> handle.onExit().thenRun(() -> System.exit(0)),
        () -> System.exit(0));
  }
}
