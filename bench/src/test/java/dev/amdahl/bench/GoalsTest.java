package dev.amdahl.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoalsTest {

  @Test
  void eachGoalIsJudgedFromTheFieldsTheIssueNames() {
    JsonObject results = new JsonObject()
        .put("noop", new JsonObject().put("amdahlVsHazelcastExecutor", 1.5))
        .put("efficiency", new JsonObject().put("1ms", 0.5).put("10ms", 0.96).put("100ms", 0.98))
        .put("scaling", new JsonArray().add(new JsonObject().put("workers", 1).put("efficiency", 1.0))
            .add(new JsonObject().put("workers", 4).put("efficiency", 0.91)))
        .put("firstTaskMillis", 6000L)
        .put("idleWorkerRssMiB", 200.0)
        .put("upgrade", new JsonObject().put("duringVsSteady", 0.7));
    JsonObject goals = Goals.check(results);
    assertTrue(met(goals, "noopAtLeastHazelcastExecutor"));
    assertFalse(met(goals, "noopTwiceHazelcastExecutor"));
    assertTrue(met(goals, "efficiency10ms"));
    assertFalse(met(goals, "efficiency100ms"));
    assertTrue(met(goals, "scalingEfficiencyAt4"));
    assertFalse(met(goals, "firstTaskWithin5s"));
    assertTrue(met(goals, "idleWorkerRssUnder256MiB"));
    assertFalse(met(goals, "upgradeThroughput"));
    assertEquals(0.7, goals.getJsonObject("upgradeThroughput").getDouble("value"));
  }

  @Test
  void aMissingMeasurementIsNotMet() {
    JsonObject goals = Goals.check(new JsonObject());
    goals.fieldNames().forEach(name -> assertFalse(met(goals, name), name));
  }

  private static boolean met(JsonObject goals, String name) {
    return goals.getJsonObject(name).getBoolean("met");
  }
}
