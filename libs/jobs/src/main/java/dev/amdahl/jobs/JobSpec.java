package dev.amdahl.jobs;

import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * A validated job request: its kind, normalized params, number of tasks, and how the
 * cluster should treat failures and time.
 *
 * <p>Parsing is where every client mistake is caught, so the cluster only ever sees specs
 * it can split.
 *
 * @param kind               the job kind's name
 * @param params             the kind's params, normalized
 * @param tasks              how many tasks the job is split into
 * @param maxAttempts        attempts a task gets before it fails the job; null for the cluster default
 * @param deadlineSeconds    the job is cancelled (reason "deadline") this long after it was submitted; null for none
 * @param taskTimeoutSeconds one attempt of a task is stopped after this long and counts as failed; null for none
 * @param tasksPerEntry      consecutive tasks kept together in one grid entry; null for the cluster's choice
 */
public record JobSpec(String kind, JsonObject params, int tasks, Integer maxAttempts, Integer deadlineSeconds,
                      Integer taskTimeoutSeconds, Integer tasksPerEntry) {

  /** The most tasks one grid entry may hold. */
  public static final int MAX_TASKS_PER_ENTRY = 64;

  /** The most tasks any job may have, whatever its kind. */
  public static final int MAX_TASKS = 100_000;

  private static final Set<String> FIELDS = Set.of("kind", "params", "tasks", "maxAttempts", "deadlineSeconds",
      "taskTimeoutSeconds", "tasksPerEntry");

  public JobSpec(String kind, JsonObject params, int tasks) {
    this(kind, params, tasks, null, null, null, null);
  }

  /**
   * Parses {@code {kind, params, tasks?, maxAttempts?, deadlineSeconds?, taskTimeoutSeconds?, tasksPerEntry?}}.
   *
   * @throws SpecException naming the field at fault
   */
  public static JobSpec parse(JsonObject body) {
    for (String name : body.fieldNames()) {
      if (!FIELDS.contains(name)) {
        throw new SpecException(name, "unknown field; allowed: " + String.join(", ", FIELDS.stream().sorted().toList()));
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
    Integer requested = optionalInt(body, "tasks", 1, max);
    int tasks = requested != null ? requested : Math.min(max, kind.defaultTasks(params));
    Integer tasksPerEntry = optionalInt(body, "tasksPerEntry", 1, MAX_TASKS_PER_ENTRY);
    if (tasksPerEntry != null && tasksPerEntry > 1 && !kind.groupsTasks(params)) {
      throw new SpecException("tasksPerEntry", "must be 1 for this job: its tasks are shown, or fail, one by one");
    }
    return new JobSpec(kind.name(), params, tasks,
        optionalInt(body, "maxAttempts", 1, 10),
        optionalInt(body, "deadlineSeconds", 1, 7 * 24 * 3600),
        optionalInt(body, "taskTimeoutSeconds", 1, 24 * 3600),
        tasksPerEntry);
  }

  private static Integer optionalInt(JsonObject body, String field, int min, int max) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Integer || value instanceof Long)) {
      throw new SpecException(field, "must be a whole number between " + min + " and " + max);
    }
    long number = ((Number) value).longValue();
    if (number < min || number > max) {
      throw new SpecException(field, "must be between " + min + " and " + max + " for this job");
    }
    return (int) number;
  }

  public JobKind<?> jobKind() {
    return JobKinds.get(kind);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("kind", kind).put("params", params).put("tasks", tasks);
    if (maxAttempts != null) {
      json.put("maxAttempts", maxAttempts);
    }
    if (deadlineSeconds != null) {
      json.put("deadlineSeconds", deadlineSeconds);
    }
    if (taskTimeoutSeconds != null) {
      json.put("taskTimeoutSeconds", taskTimeoutSeconds);
    }
    if (tasksPerEntry != null) {
      json.put("tasksPerEntry", tasksPerEntry);
    }
    return json;
  }
}
