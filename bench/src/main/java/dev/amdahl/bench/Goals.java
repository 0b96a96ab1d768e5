package dev.amdahl.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The goals of issue 7, checked against one run's results: each with the measured value and whether it is met. */
final class Goals {
  private Goals() {
  }

  static JsonObject check(JsonObject r) {
    JsonObject goals = new JsonObject();
    JsonObject noop = r.getJsonObject("noop", new JsonObject());
    goal(goals, "noopAtLeastHazelcastExecutor", noop.getDouble("amdahlVsHazelcastExecutor"), 1.0);
    goal(goals, "noopTwiceHazelcastExecutor", noop.getDouble("amdahlVsHazelcastExecutor"), 2.0);
    JsonObject efficiency = r.getJsonObject("efficiency", new JsonObject());
    goal(goals, "efficiency10ms", efficiency.getDouble("10ms"), 0.95);
    goal(goals, "efficiency100ms", efficiency.getDouble("100ms"), 0.99);
    JsonArray scaling = r.getJsonArray("scaling", new JsonArray());
    Double at4 = scaling.stream().map(JsonObject.class::cast).filter(p -> p.getInteger("workers") == 4)
        .map(p -> p.getDouble("efficiency")).findFirst().orElse(null);
    goal(goals, "scalingEfficiencyAt4", at4, 0.90);
    Long firstTask = r.getLong("firstTaskMillis");
    goals.put("firstTaskWithin5s", new JsonObject().put("value", firstTask).put("target", 5000)
        .put("met", firstTask != null && firstTask >= 0 && firstTask <= 5000));
    Double rss = r.getDouble("idleWorkerRssMiB");
    goals.put("idleWorkerRssUnder256MiB", new JsonObject().put("value", rss).put("target", 256)
        .put("met", rss != null && rss < 256));
    // With room for the surge worker when the machine has cgroups; on shared cores otherwise.
    JsonObject upgrade = r.getJsonObject("upgradeWithHeadroom", new JsonObject()).containsKey("duringVsSteady")
        ? r.getJsonObject("upgradeWithHeadroom") : r.getJsonObject("upgrade", new JsonObject());
    goal(goals, "upgradeThroughput", upgrade.getDouble("duringVsSteady"), 0.80);
    return goals;
  }

  private static void goal(JsonObject goals, String name, Double value, double atLeast) {
    goals.put(name, new JsonObject().put("value", value).put("target", atLeast).put("met", value != null && value >= atLeast));
  }
}
