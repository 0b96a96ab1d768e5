package dev.amdahl.grid;

import dev.amdahl.node.Env;
import dev.amdahl.node.Logs;
import dev.amdahl.node.NodeConfig;
import dev.amdahl.node.NodeRuntime;
import dev.amdahl.node.Role;

/** A grid member: a Hazelcast data member that holds Amdahl's state, with backups. */
public final class GridMain {
  private GridMain() {
  }

  public static void main(String[] args) {
    Logs.setup();
    NodeConfig config = NodeConfig.from(Env.system(), Role.GRID, 0);
    NodeRuntime node = NodeRuntime.join(config);
    GridMetrics.bind(node);
    node.listen(node.router());
    node.onShutdown(() -> { });
    node.ready(1000);
  }
}
