package dev.amdahl.coordinator;

import com.hazelcast.cluster.Member;
import dev.amdahl.node.HazelcastSetup;
import dev.amdahl.node.grid.Grid;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The cluster as {@code GET /api/cluster} shows it: every Hazelcast member, joined with
 * what that node last said of itself on its pulse.
 */
final class ClusterView {
  private final Grid grid;

  ClusterView(Grid grid) {
    this.grid = grid;
  }

  JsonObject snapshot() {
    long now = System.currentTimeMillis();
    // The members before the registry: a node that drains takes itself out of the registry,
    // then out of the cluster, so one gone from the members read first is gone from the
    // registry read after. Read the other way round, a node leaving between the two reads
    // looked still registered but no longer a member, as a node that died does.
    Set<Member> current = grid.hazelcast().getCluster().getMembers();
    Map<String, JsonObject> registered = new HashMap<>();
    grid.nodes().values().forEach(json -> {
      JsonObject node = new JsonObject(json);
      registered.put(node.getString("id"), node);
    });
    JsonArray members = new JsonArray();
    for (Member member : current) {
      String id = member.getAttribute(HazelcastSetup.ATTR_NODE);
      JsonObject node = registered.remove(id);
      if (node == null) {
        node = new JsonObject()
            .put("id", id)
            .put("role", member.getAttribute(HazelcastSetup.ATTR_ROLE))
            .put("version", member.getAttribute(HazelcastSetup.ATTR_VERSION))
            .put("zone", member.getAttribute(HazelcastSetup.ATTR_ZONE))
            .put("state", "JOINING")
            .put("host", member.getAddress().getHost());
      }
      members.add(withPulseAge(node, now).put("member", member.getUuid().toString()));
    }
    // A node still in the registry but no longer a member has just gone.
    registered.values().forEach(node -> members.add(withPulseAge(node, now).put("state", "GONE")));
    String leader = grid.coordination().get("leaderId");
    return new JsonObject().put("members", members).put("leader", leader).put("time", now);
  }

  private static JsonObject withPulseAge(JsonObject node, long now) {
    Long pulseAt = node.getLong("pulseAt");
    if (pulseAt != null) {
      node.put("pulseAgeMillis", Math.max(0, now - pulseAt));
    }
    return node;
  }
}
