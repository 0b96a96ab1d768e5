package dev.amdahl.jobs;

import io.vertx.core.json.JsonObject;

/**
 * A validated job request: its kind, normalized params and number of tasks.
 *
 * <p>Parsing is where every client mistake is caught, so the cluster only ever sees specs
 * it can split.
 */
public record JobSpec(String kind, JsonObject params, int tasks) {

  /** The most tasks any job may have, whatever its kind. */
  public static final int MAX_TASKS = 100_000;

  /**
   * Parses {@code {kind, params, tasks?}}.
   *
   * @throws SpecException naming the field at fault
   */
  public static JobSpec parse(JsonObject body) {
    for (String name : body.fieldNames()) {
      if (!name.equals("kind") && !name.equals("params") && !name.equals("tasks")) {
        throw new SpecException(name, "unknown field; allowed: kind, params, tasks");
      }
    }
    Object kindValue = body.getValue("kind");
    if (kindValue != null && !(kindValue instanceof String)) {
      throw new SpecException("kind", "must be a string");
    }
    JobKind<?> kind = JobKinds.get((String) kindValue);
    Object paramsValue = body.getValue("params");
    if (paramsValue != null && !(paramsValue instanceof JsonObject)) {
      throw new SpecException("params", "must be an object");
    }
    JsonObject params = kind.validate(paramsValue == null ? new JsonObject() : (JsonObject) paramsValue);
    int max = Math.min(MAX_TASKS, kind.maxTasks(params));
    int tasks;
    Object tasksValue = body.getValue("tasks");
    if (tasksValue == null) {
      tasks = Math.min(max, kind.defaultTasks(params));
    } else {
      if (!(tasksValue instanceof Integer || tasksValue instanceof Long)) {
        throw new SpecException("tasks", "must be a whole number between 1 and " + max);
      }
      long requested = ((Number) tasksValue).longValue();
      if (requested < 1 || requested > max) {
        throw new SpecException("tasks", "must be between 1 and " + max + " for this job");
      }
      tasks = (int) requested;
    }
    return new JobSpec(kind.name(), params, tasks);
  }

  public JobKind<?> jobKind() {
    return JobKinds.get(kind);
  }

  public JsonObject toJson() {
    return new JsonObject().put("kind", kind).put("params", params).put("tasks", tasks);
  }
}
