package dev.amdahl.node;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class HazelcastSetupTest {

  /**
   * The tests and benchmarks that run against a standalone member measure the grid the nodes
   * run: a task map kept as bytes and without indexes would time other code paths.
   */
  @Test
  void aStandaloneMemberHasTheGridsStructuresAsAGridNodeHasThem() {
    Config node = HazelcastSetup.config(NodeConfig.from(new Env(Map.of("AMDAHL_HOST", "127.0.0.1")), Role.GRID, 0));
    Config standalone = HazelcastSetup.standalone("amdahl-setup-test");
    for (String map : List.of(Names.TASKS, Names.JOBS, Names.NODES)) {
      assertEquals(node.getMapConfig(map), standalone.getMapConfig(map), map);
    }
    assertEquals(InMemoryFormat.OBJECT, standalone.getMapConfig(Names.TASKS).getInMemoryFormat());
    assertEquals(2, standalone.getMapConfig(Names.TASKS).getIndexConfigs().size());
    assertEquals(node.getQueueConfig(Names.pendingQueue(0)), standalone.getQueueConfig(Names.pendingQueue(0)));
    assertEquals(node.getSerializationConfig().getDataSerializableFactories().keySet(),
        standalone.getSerializationConfig().getDataSerializableFactories().keySet());
    assertFalse(standalone.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled());
    assertFalse(standalone.getNetworkConfig().getJoin().getMulticastConfig().isEnabled());
  }
}
