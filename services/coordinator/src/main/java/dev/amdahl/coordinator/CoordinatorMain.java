package dev.amdahl.coordinator;

import dev.amdahl.node.Env;
import dev.amdahl.node.Logs;
import dev.amdahl.node.NodeRuntime;

/**
 * The coordinator: serves the API and dashboard; the one holding the leader lock also
 * splits jobs, watches leases and merges results. Any number may run; one leads.
 */
public final class CoordinatorMain {
  private CoordinatorMain() {
  }

  public static void main(String[] args) {
    Logs.setup();
    CoordinatorConfig config = CoordinatorConfig.from(Env.system());
    NodeRuntime node = NodeRuntime.join(config.node());
    JobStore store = new JobStore(node.grid(), LiveProgress.listening(node.vertx().eventBus()));
    JobManager manager = new JobManager(node, store, config);
    node.listen(node.router());
    ApiRouter api = new ApiRouter(node, store, manager, config, Tokens.orGenerated(config.token()));
    int apiPort = node.serve(api.router(), config.apiPort()).actualPort();
    node.describeWith(() -> manager.describe().put("api", "http://" + config.node().advertisedHost() + ":" + apiPort));
    manager.start();
    new JobMetrics(node, store).start();
    node.onShutdown(manager::stop);
    node.ready(config.pulseMillis());
  }
}
