package dev.amdahl.coordinator;

import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import dev.amdahl.node.Names;
import dev.amdahl.node.grid.Grid;
import io.vertx.core.json.JsonObject;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Job records in the grid, as JSON, so a restarted or newly elected coordinator finds every
 * job where the last one left it. Updates are compare-and-set, so the API (cancelling) and
 * the leader (progress) never overwrite each other.
 */
final class JobStore {
  private final IMap<String, HazelcastJsonValue> jobs;
  private final Grid grid;

  JobStore(Grid grid) {
    this.grid = grid;
    this.jobs = grid.hazelcast().getMap(Names.JOBS);
  }

  void create(JsonObject job) {
    jobs.set(job.getString("id"), new HazelcastJsonValue(job.encode()));
  }

  Optional<JsonObject> get(String id) {
    HazelcastJsonValue value = jobs.get(id);
    return Optional.ofNullable(value).map(v -> new JsonObject(v.getValue()));
  }

  /** The newest jobs first, at most {@code limit}. */
  List<JsonObject> list(int limit) {
    return jobs.values().stream()
        .map(v -> new JsonObject(v.getValue()))
        .sorted(Comparator.comparing((JsonObject j) -> j.getString("submittedAt")).reversed())
        .limit(limit)
        .toList();
  }

  List<JsonObject> inState(JobState state) {
    return jobs.values(Predicates.equal("state", state.name())).stream()
        .map(v -> new JsonObject(v.getValue()))
        .sorted(Comparator.comparing(j -> j.getString("submittedAt")))
        .toList();
  }

  /**
   * Applies {@code change} to the current record until no one else changed it meanwhile.
   * {@code change} returns null to leave the record as it is.
   *
   * @return the record as it now stands, or empty if there is no such job
   */
  Optional<JsonObject> update(String id, UnaryOperator<JsonObject> change) {
    while (true) {
      HazelcastJsonValue current = jobs.get(id);
      if (current == null) {
        return Optional.empty();
      }
      JsonObject next = change.apply(new JsonObject(current.getValue()));
      if (next == null) {
        return Optional.of(new JsonObject(current.getValue()));
      }
      if (jobs.replace(id, current, new HazelcastJsonValue(next.encode()))) {
        return Optional.of(next);
      }
    }
  }

  void saveAttachment(String id, byte[] bytes) {
    grid.attachments().set(id, bytes);
  }

  Optional<byte[]> attachment(String id) {
    return Optional.ofNullable(grid.attachments().get(id));
  }
}
