package dev.amdahl.node;

import java.util.List;

/**
 * What every node reads from its environment: how to find and join the cluster, how it
 * names itself, and where it serves health and metrics.
 *
 * @param id             this node's id everywhere: lease owner, API, metrics ({@code AMDAHL_NODE_ID})
 * @param role           what this node does
 * @param version        the version it reports ({@code AMDAHL_VERSION}, else the jar's)
 * @param zone           its zone label ({@code AMDAHL_ZONE}); grid backups avoid their primary's zone
 * @param clusterName    nodes with another name never join ({@code AMDAHL_CLUSTER})
 * @param seeds          grid members to contact when joining ({@code AMDAHL_SEEDS}, host[:port], comma separated)
 * @param hazelcastPort  first port this node's Hazelcast member tries ({@code AMDAHL_HZ_PORT})
 * @param bindHost       address the node binds and advertises ({@code AMDAHL_HOST})
 * @param httpPort       port of health, metrics (and API) ({@code AMDAHL_HTTP_PORT}; 0 picks a free one)
 * @param zoneAware      keep backups in another zone than their primary ({@code AMDAHL_ZONE_AWARE});
 *                       every node of a cluster must agree, lite members included
 * @param memberTimeoutSeconds a member silent this long is removed from the cluster ({@code AMDAHL_MEMBER_TIMEOUT_SECONDS})
 */
public record NodeConfig(
    String id,
    Role role,
    String version,
    String zone,
    String clusterName,
    List<String> seeds,
    int hazelcastPort,
    String bindHost,
    int httpPort,
    boolean zoneAware,
    int memberTimeoutSeconds) {

  /** Reads the common settings, with defaults fit for a cluster on one machine. */
  public static NodeConfig from(Env env, Role role, int defaultHttpPort) {
    int defaultHzPort = role == Role.GRID ? 5701 : 5801;
    return new NodeConfig(
        env.string("AMDAHL_NODE_ID", role.label() + "-" + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 32)),
        role,
        env.string("AMDAHL_VERSION", defaultVersion()),
        env.string("AMDAHL_ZONE", "local"),
        env.string("AMDAHL_CLUSTER", "amdahl"),
        List.of(env.string("AMDAHL_SEEDS", "127.0.0.1:5701").split("\\s*,\\s*")),
        env.integer("AMDAHL_HZ_PORT", defaultHzPort, 1, 65535),
        env.string("AMDAHL_HOST", "127.0.0.1"),
        env.integer("AMDAHL_HTTP_PORT", defaultHttpPort, 0, 65535),
        env.flag("AMDAHL_ZONE_AWARE", false),
        env.integer("AMDAHL_MEMBER_TIMEOUT_SECONDS", 8, 3, 600));
  }

  /** The version in the jar's manifest, or "dev" when run from classes. */
  public static String defaultVersion() {
    String version = NodeConfig.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  /**
   * The address others reach this node on: {@code AMDAHL_HOST}, or when that is 0.0.0.0
   * (every interface, as in a container) the local address that routes to the seeds.
   */
  public String advertisedHost() {
    return bindHost.equals("0.0.0.0") ? LocalAddress.towards(seeds) : bindHost;
  }
}
