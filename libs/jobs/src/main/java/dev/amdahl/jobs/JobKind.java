package dev.amdahl.jobs;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A kind of embarrassingly parallel job, in three parts: {@link #split} a spec into tasks,
 * {@link #execute} one task anywhere in the cluster, and {@link #merge} partial results.
 *
 * <p>Contracts the cluster relies on:
 * <ul>
 *   <li>{@code split} is deterministic: the same params and task count give the same tasks;</li>
 *   <li>{@code execute} depends only on its arguments, so a task that runs twice, on any
 *       node, gives the same partial result (the cluster runs a task at least once and
 *       counts it exactly once);</li>
 *   <li>{@code merge} is associative and commutative, so partials can be merged in any
 *       order and grouping.</li>
 * </ul>
 * Tasks travel as JSON (an older node ignores fields a newer one adds); partial results
 * travel as bytes through {@link #codec()}.
 *
 * @param <R> the partial result of one or more tasks
 */
public interface JobKind<R> {

  /** The name clients use in {@code {"kind": ...}}. */
  String name();

  /**
   * Checks the params against this kind's schema and returns them normalized (defaults
   * filled in).
   *
   * @throws SpecException naming the field and the rule it breaks
   */
  JsonObject validate(JsonObject params);

  /** How many tasks a job gets when the client does not ask for a number. */
  int defaultTasks(JsonObject params);

  /** The most tasks a job with these params may be split into. */
  int maxTasks(JsonObject params);

  /** Splits validated params into exactly {@code tasks} task descriptions. */
  List<JsonObject> split(JsonObject params, int tasks);

  /**
   * Runs one task. Long computations poll {@code cancellation} and stop promptly once it
   * is cancelled.
   */
  R execute(JsonObject params, JsonObject task, Cancellation cancellation) throws InterruptedException;

  /** Merges two partial results; associative and commutative. */
  R merge(R a, R b);

  /** Turns the merge of all tasks' partials into the job's result. */
  JobResult finish(JsonObject params, R merged);

  /** Encodes partial results for the grid. */
  Codec<R> codec();

  /** Runs one task and encodes its partial result for the grid. */
  default byte[] executeEncoded(JsonObject params, JsonObject task, Cancellation cancellation)
      throws InterruptedException {
    return codec().encode(execute(params, task, cancellation));
  }

  /**
   * Runs several tasks one after another and encodes the merge of their partials: one
   * partial for the group, which {@link #merge} being associative makes as good as theirs.
   */
  default byte[] executeAllEncoded(JsonObject params, List<JsonObject> tasks, Cancellation cancellation)
      throws InterruptedException {
    R merged = null;
    for (JsonObject task : tasks) {
      R partial = execute(params, task, cancellation);
      merged = merged == null ? partial : merge(merged, partial);
    }
    if (merged == null) {
      throw new IllegalArgumentException("a group has at least one task");
    }
    return codec().encode(merged);
  }

  /**
   * Whether the cluster may keep consecutive tasks of a big job with these (validated) params
   * together, as one grid entry run and retried as a whole, with one merged partial (see the
   * README's "Tasks and grid entries"). A kind whose partials are shown one by one as they
   * land, or whose tasks fail one by one on purpose, says no.
   */
  default boolean groupsTasks(JsonObject params) {
    return true;
  }

  /** Decodes and merges every task's partial result, then finishes the job. */
  default JobResult finishEncoded(JsonObject params, Iterable<byte[]> partials) {
    R merged = null;
    for (byte[] bytes : partials) {
      R partial = codec().decode(bytes);
      merged = merged == null ? partial : merge(merged, partial);
    }
    if (merged == null) {
      throw new IllegalArgumentException("a job has at least one task");
    }
    return finish(params, merged);
  }
}
