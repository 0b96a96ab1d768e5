package dev.amdahl.coordinator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every node the dashboard has seen: the present ones as the latest cluster snapshot shows
 * them, and the ones that left, kept for a while so the page can fade them out rather than
 * drop them. Comparing snapshots gives the joins, drains and departures for the event log.
 */
final class NodeHistory {
  static final String GONE = "GONE";
  // A node silent this long when it vanished did not leave on its own.
  private static final long STALE_PULSE_MILLIS = 3000;

  private final int maxGone;
  private final long keepGoneMillis;
  private final Map<String, JsonObject> nodes = new LinkedHashMap<>();
  private boolean primed;

  NodeHistory(int maxGone, long keepGoneMillis) {
    this.maxGone = maxGone;
    this.keepGoneMillis = keepGoneMillis;
  }

  /**
   * Takes in a snapshot's members (as {@link ClusterView} gives them). A node that vanishes
   * left gracefully if it was seen draining, or had taken itself out of the registry while
   * its pulse was fresh; it was lost if its registry entry outlived it (it never said
   * goodbye) or its pulse had gone stale.
   *
   * @return what changed, as event-log entries; none for the very first snapshot, which is where we start
   */
  List<JsonObject> update(JsonArray members, long now) {
    List<JsonObject> changes = new ArrayList<>();
    Map<String, JsonObject> present = new LinkedHashMap<>();
    Set<String> stillRegistered = new HashSet<>();
    for (int i = 0; i < members.size(); i++) {
      JsonObject member = members.getJsonObject(i);
      String id = member.getString("id");
      if (id == null) {
        continue;
      }
      if (GONE.equals(member.getString("state"))) {
        stillRegistered.add(id);
      } else {
        present.put(id, member);
      }
    }
    for (JsonObject member : present.values()) {
      String id = member.getString("id");
      JsonObject known = nodes.get(id);
      String state = member.getString("state", "JOINING");
      if (known != null && leaving(known, member)) {
        // It took itself out of the registry and has yet to leave the cluster: a graceful exit.
        member = known.copy().put("state", "DRAINING").put("pulseAgeMillis", member.getLong("pulseAgeMillis"));
        state = "DRAINING";
      }
      if (known == null || GONE.equals(known.getString("state"))) {
        nodes.remove(id);
        if (primed) {
          changes.add(change("join", member, describe(member) + " joined"
              + (state.equals("READY") ? " and is ready" : "")));
        }
        nodes.put(id, member.copy().put("firstSeen", now));
        continue;
      }
      String before = known.getString("state");
      if (!state.equals(before)) {
        if (state.equals("READY")) {
          changes.add(change("ready", member, describe(member) + " is ready"));
        } else if (state.equals("DRAINING")) {
          changes.add(change("drain", member, describe(member) + " is draining: it takes no new work"));
        }
      }
      nodes.put(id, member.copy().put("firstSeen", known.getLong("firstSeen", now)));
    }
    for (JsonObject known : nodes.values()) {
      String id = known.getString("id");
      if (present.containsKey(id) || GONE.equals(known.getString("state"))) {
        continue;
      }
      boolean drained = "DRAINING".equals(known.getString("state"))
          || !stillRegistered.contains(id) && known.getLong("pulseAgeMillis", 0L) < STALE_PULSE_MILLIS;
      changes.add(drained
          ? change("leave", known, describe(known) + " left the cluster after draining")
          : change("lost", known, describe(known) + " was lost: it left without draining (killed, crashed or cut off)"));
      known.put("state", GONE).put("goneAt", now).put("left", drained ? "drained" : "lost").remove("pulseAgeMillis");
    }
    prune(now);
    primed = true;
    return changes;
  }

  /** Present nodes first (in the order they were first seen), then the departed, newest first. */
  JsonArray view(long now) {
    JsonArray present = new JsonArray();
    List<JsonObject> gone = new ArrayList<>();
    for (JsonObject node : nodes.values()) {
      if (GONE.equals(node.getString("state"))) {
        gone.add(node);
      } else {
        present.add(node.copy());
      }
    }
    gone.sort((a, b) -> Long.compare(b.getLong("goneAt"), a.getLong("goneAt")));
    gone.forEach(node -> present.add(node.copy().put("goneForMillis", now - node.getLong("goneAt"))));
    return present;
  }

  JsonObject get(String id) {
    return nodes.get(id);
  }

  private void prune(long now) {
    List<JsonObject> gone = new ArrayList<>();
    for (JsonObject node : nodes.values()) {
      if (GONE.equals(node.getString("state"))) {
        gone.add(node);
      }
    }
    gone.sort((a, b) -> Long.compare(a.getLong("goneAt"), b.getLong("goneAt")));
    int excess = gone.size() - maxGone;
    for (JsonObject node : gone) {
      if (excess > 0 || now - node.getLong("goneAt") > keepGoneMillis) {
        nodes.remove(node.getString("id"));
        excess--;
      }
    }
  }

  // ClusterView shows a member without a registry entry as JOINING; a known node reaches that only on its way out.
  private static boolean leaving(JsonObject known, JsonObject member) {
    String before = known.getString("state");
    return "JOINING".equals(member.getString("state")) && member.getLong("pulseAt") == null
        && ("READY".equals(before) || "DRAINING".equals(before))
        && known.getLong("pulseAgeMillis", 0L) < STALE_PULSE_MILLIS;
  }

  private static String describe(JsonObject node) {
    return node.getString("role", "node") + " " + node.getString("id") + " (version " + node.getString("version", "?")
        + ", zone " + node.getString("zone", "?") + ")";
  }

  private static JsonObject change(String type, JsonObject node, String text) {
    return new JsonObject().put("type", type).put("node", node.getString("id")).put("text", text);
  }
}
