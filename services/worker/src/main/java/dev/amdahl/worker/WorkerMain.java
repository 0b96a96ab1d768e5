package dev.amdahl.worker;

import dev.amdahl.node.Env;
import dev.amdahl.node.Logs;
import dev.amdahl.node.NodeRuntime;

/** A stateless worker: joins the cluster as a lite member and pulls tasks until told to stop. */
public final class WorkerMain {
  private WorkerMain() {
  }

  public static void main(String[] args) {
    Logs.setup();
    WorkerConfig config = WorkerConfig.from(Env.system());
    NodeRuntime node = NodeRuntime.join(config.node());
    WorkerMetrics.bind(node, config);
    TaskRunner runner = new TaskRunner(node, config);
    node.describeWith(runner::describe);
    node.listen(node.router());
    runner.start();
    node.onShutdown(runner::drain);
    node.ready(config.pulseMillis());
  }
}
