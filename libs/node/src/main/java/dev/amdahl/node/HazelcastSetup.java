package dev.amdahl.node;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.IndexConfig;
import com.hazelcast.config.IndexType;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.PartitionGroupConfig;
import com.hazelcast.config.QueueConfig;
import dev.amdahl.node.grid.GridSerialization;

/**
 * Builds the Hazelcast configuration of every node. Grid members are the data members;
 * coordinators and workers join as lite members, own no partitions, and can come and go
 * without moving data.
 */
public final class HazelcastSetup {
  /** Member attribute with the node's id. */
  public static final String ATTR_NODE = "amdahl.node";
  /** Member attribute with the node's role. */
  public static final String ATTR_ROLE = "amdahl.role";
  /** Member attribute with the node's version. */
  public static final String ATTR_VERSION = "amdahl.version";
  /** Zone attribute read by Hazelcast's ZONE_AWARE partition grouping. */
  public static final String ATTR_ZONE = "hazelcast.partition.group.zone";

  private HazelcastSetup() {
  }

  public static Config config(NodeConfig node) {
    Config config = new Config();
    config.setClusterName(node.clusterName());
    config.setInstanceName(node.id());
    config.setLiteMember(node.role() != Role.GRID);
    config.getMemberAttributeConfig()
        .setAttribute(ATTR_NODE, node.id())
        .setAttribute(ATTR_ROLE, node.role().label())
        .setAttribute(ATTR_VERSION, node.version())
        .setAttribute(ATTR_ZONE, node.zone());
    setupNetwork(config.getNetworkConfig(), node);
    setupFailureDetection(config, node.memberTimeoutSeconds());
    setupStructures(config);
    GridSerialization.register(config.getSerializationConfig());
    // Hazelcast refuses a member whose partition grouping differs, lite members included.
    if (node.zoneAware()) {
      config.getPartitionGroupConfig().setEnabled(true)
          .setGroupType(PartitionGroupConfig.MemberGroupType.ZONE_AWARE);
    }
    return config;
  }

  /**
   * A member on its own, with the grid's maps and queues configured as every node configures
   * them (in-memory formats, indexes) and the grid's serialization, but no network join: for
   * the tests and benchmarks that need a real grid, not a cluster. {@code clusterName} keeps
   * it from meeting another such member on this machine.
   */
  public static Config standalone(String clusterName) {
    Config config = new Config();
    config.setClusterName(clusterName);
    config.setProperty("hazelcast.logging.type", "none");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    setupStructures(config);
    GridSerialization.register(config.getSerializationConfig());
    return config;
  }

  private static void setupNetwork(NetworkConfig network, NodeConfig node) {
    network.setPort(node.hazelcastPort()).setPortAutoIncrement(true).setPortCount(100);
    if (node.bindHost().equals("0.0.0.0")) {
      // Listens everywhere but announces the address that reaches the seeds, not whichever
      // interface comes first. (Pinning an interface would also filter the seeds' addresses.)
      network.setPublicAddress(node.advertisedHost());
    } else {
      network.getInterfaces().setEnabled(true).addInterface(node.bindHost());
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(node.seeds());
  }

  // A dead node's tasks are also caught by lease expiry; these make membership catch it sooner.
  private static void setupFailureDetection(Config config, int memberTimeoutSeconds) {
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(memberTimeoutSeconds));
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "jdk");
    config.setProperty("hazelcast.graceful.shutdown.max.wait", "60");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.partition.count", "71");
    // Hazelcast's own metrics feed Management Center and JMX, neither of which we run; every
    // member would still probe them all every 5 s. Ours come from Micrometer (GridMetrics
    // reads the map and queue statistics directly).
    config.getMetricsConfig().setEnabled(false);
    // A response is handled by the I/O thread that read it instead of being handed on to a
    // response thread: one thread wake-up less for every call a node makes, and a call's
    // answer reaches its waiter sooner. Nothing of ours blocks in a callback on a Hazelcast
    // future (our callers wait with get), which is what would stall that I/O thread.
    config.setProperty("hazelcast.operation.response.thread.count", "0");
  }

  private static void setupStructures(Config config) {
    config.addMapConfig(new MapConfig(Names.TASKS)
        .setBackupCount(1)
        // Kept as objects: the entry processors and index updates that every task goes through
        // work on the object instead of deserializing and serializing it each time.
        .setInMemoryFormat(InMemoryFormat.OBJECT)
        // Every index costs each claim and result a remove and an insert. Every query on tasks
        // names a job or a state, and the leased tasks (the ones the reaper and a departed
        // worker's requeue look through) are few: two hash indexes serve them all.
        .addIndexConfig(new IndexConfig(IndexType.HASH, "jobId"))
        .addIndexConfig(new IndexConfig(IndexType.HASH, "state")));
    // The leader looks up jobs by state several times a second: without an index every look
    // would parse every job record ever kept.
    config.addMapConfig(new MapConfig(Names.JOBS).setBackupCount(1)
        .addIndexConfig(new IndexConfig(IndexType.HASH, "state")));
    config.addMapConfig(new MapConfig(Names.ATTACHMENTS).setBackupCount(1));
    config.addMapConfig(new MapConfig(Names.NODES).setBackupCount(1));
    config.addMapConfig(new MapConfig(Names.COORDINATION).setBackupCount(1));
    config.addQueueConfig(new QueueConfig("amdahl.pending.*").setBackupCount(1).setMaxSize(0));
    // What vertx-hazelcast's default-cluster.xml sets; grid members hold these for the event bus.
    config.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    config.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    config.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
  }
}
