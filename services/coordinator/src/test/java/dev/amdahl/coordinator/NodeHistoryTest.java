package dev.amdahl.coordinator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeHistoryTest {

  private static JsonObject node(String id, String state) {
    return new JsonObject().put("id", id).put("role", "worker").put("version", "1.0.0").put("zone", "local").put("state", state);
  }

  private static JsonArray members(JsonObject... nodes) {
    JsonArray array = new JsonArray();
    for (JsonObject node : nodes) {
      array.add(node);
    }
    return array;
  }

  @Test
  void theFirstSnapshotIsWhereHistoryStartsSoItLogsNothing() {
    NodeHistory history = new NodeHistory(10, 60_000);
    assertTrue(history.update(members(node("w1", "READY"), node("w2", "READY")), 1000).isEmpty());
    assertEquals(2, history.view(1000).size());
  }

  @Test
  void logsANodeThatJoinsAndThenBecomesReady() {
    NodeHistory history = new NodeHistory(10, 60_000);
    history.update(members(node("w1", "READY")), 1000);
    List<JsonObject> joined = history.update(members(node("w1", "READY"), node("w2", "JOINING")), 2000);
    assertEquals(1, joined.size());
    assertEquals("join", joined.get(0).getString("type"));
    assertEquals("w2", joined.get(0).getString("node"));
    List<JsonObject> ready = history.update(members(node("w1", "READY"), node("w2", "READY")), 3000);
    assertEquals("ready", ready.get(0).getString("type"));
  }

  @Test
  void aNodeSeenDrainingLeftWhileOneWhoseRegistryEntryOutlivedItWasLost() {
    NodeHistory history = new NodeHistory(10, 60_000);
    history.update(members(node("w1", "READY"), node("w2", "READY")), 1000);
    List<JsonObject> draining = history.update(members(node("w1", "DRAINING"), node("w2", "READY")), 2000);
    assertEquals("drain", draining.get(0).getString("type"));

    // w1 is gone from the cluster and the registry; w2 left the cluster but its entry is still there.
    List<JsonObject> gone = history.update(members(node("w2", "GONE")), 3000);
    assertEquals(List.of("leave", "lost"), gone.stream().map(e -> e.getString("type")).toList());
    JsonArray view = history.view(5000);
    assertEquals("GONE", view.getJsonObject(0).getString("state"));
    assertEquals("drained", history.get("w1").getString("left"));
    assertEquals("lost", history.get("w2").getString("left"));
    assertEquals(2000, view.getJsonObject(0).getLong("goneForMillis"));
  }

  @Test
  void aNodeThatTakesItselfOutOfTheRegistryBeforeLeavingIsDrainingNotJoining() {
    NodeHistory history = new NodeHistory(10, 60_000);
    history.update(members(node("w1", "READY").put("pulseAt", 900L).put("pulseAgeMillis", 100L)), 1000);
    // What ClusterView shows for a member without a registry entry.
    List<JsonObject> leaving = history.update(members(new JsonObject().put("id", "w1").put("role", "worker").put("state", "JOINING")), 2000);
    assertEquals("drain", leaving.get(0).getString("type"));
    assertEquals("DRAINING", history.get("w1").getString("state"));
    assertEquals("1.0.0", history.get("w1").getString("version"), "what the node said of itself is kept");
    assertEquals("leave", history.update(members(), 3000).get(0).getString("type"));
  }

  @Test
  void aNodeThatVanishesWithAFreshPulseLeftAndOneWithAStalePulseWasLost() {
    NodeHistory history = new NodeHistory(10, 60_000);
    history.update(members(node("w1", "READY").put("pulseAgeMillis", 200L), node("w2", "READY").put("pulseAgeMillis", 200L)), 1000);
    history.update(members(node("w1", "READY").put("pulseAgeMillis", 300L), node("w2", "READY").put("pulseAgeMillis", 5000L)), 6000);
    List<JsonObject> gone = history.update(members(), 7000);
    assertEquals(List.of("leave", "lost"), gone.stream().map(e -> e.getString("type")).toList());
  }

  @Test
  void listsPresentNodesFirstThenTheDepartedNewestFirst() {
    NodeHistory history = new NodeHistory(10, 60_000);
    history.update(members(node("a", "READY"), node("b", "READY"), node("c", "READY")), 1000);
    history.update(members(node("b", "READY"), node("c", "READY")), 2000);
    history.update(members(node("c", "READY")), 3000);
    List<String> order = history.view(4000).stream().map(o -> ((JsonObject) o).getString("id")).toList();
    assertEquals(List.of("c", "b", "a"), order);
  }

  @Test
  void forgetsTheOldestDeparturesBeyondTheLimitAndAfterTheirTime() {
    NodeHistory history = new NodeHistory(2, 10_000);
    history.update(members(node("a", "READY"), node("b", "READY"), node("c", "READY"), node("d", "READY")), 0);
    history.update(members(node("b", "READY"), node("c", "READY"), node("d", "READY")), 1000);
    history.update(members(node("c", "READY"), node("d", "READY")), 2000);
    history.update(members(node("d", "READY")), 3000);
    assertEquals(List.of("d", "c", "b"), history.view(3000).stream().map(o -> ((JsonObject) o).getString("id")).toList());
    history.update(members(node("d", "READY")), 12_500);
    assertEquals(List.of("d", "c"), history.view(12_500).stream().map(o -> ((JsonObject) o).getString("id")).toList());
  }

  @Test
  void aNodeThatComesBackUnderTheSameIdJoinsAgain() {
    NodeHistory history = new NodeHistory(10, 60_000);
    history.update(members(node("w1", "READY")), 1000);
    history.update(members(), 2000);
    List<JsonObject> back = history.update(members(node("w1", "JOINING")), 3000);
    assertEquals("join", back.get(0).getString("type"));
    assertEquals("JOINING", history.get("w1").getString("state"));
  }
}
