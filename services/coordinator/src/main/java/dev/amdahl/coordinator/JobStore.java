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
 * the leader (progress) never overwrite each other. A running job's record read here shows
 * the tasks this coordinator heard done from the workers ({@link LiveProgress}) when that is
 * more than the count the leader writes into the record once a second.
 */
final class JobStore {
  private final IMap<String, HazelcastJsonValue> jobs;
  private final Grid grid;
  private final LiveProgress live;

  /** The records as the grid holds them. */
  JobStore(Grid grid) {
    this(grid, new LiveProgress());
  }

  JobStore(Grid grid, LiveProgress live) {
    this.grid = grid;
    this.jobs = grid.hazelcast().getMap(Names.JOBS);
    this.live = live;
  }

  /** A record as it is stored in the grid: an {@link #update} that starts from it needs no read. */
  record Stored(JsonObject job, HazelcastJsonValue value) {
  }

  /** Writes a new job's record; what it wrote, for the first {@link #update}. */
  Stored create(JsonObject job) {
    HazelcastJsonValue value = new HazelcastJsonValue(job.encode());
    jobs.set(job.getString("id"), value);
    return new Stored(job, value);
  }

  Optional<JsonObject> get(String id) {
    HazelcastJsonValue value = jobs.get(id);
    return Optional.ofNullable(value).map(this::read);
  }

  private JsonObject read(HazelcastJsonValue value) {
    return live.overlay(new JsonObject(value.getValue()));
  }

  /** The newest jobs first, at most {@code limit}. */
  List<JsonObject> list(int limit) {
    return jobs.values().stream()
        .map(this::read)
        .sorted(Comparator.comparing((JsonObject j) -> j.getString("submittedAt")).reversed())
        .limit(limit)
        .toList();
  }

  List<JsonObject> inState(JobState state) {
    return jobs.values(Predicates.equal("state", state.name())).stream()
        .map(this::read)
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
    return update(id, null, change).map(Stored::job);
  }

  /**
   * {@link #update(String, UnaryOperator)} that first assumes the record is still {@code known}
   * (what this node last wrote or read of it; null if nothing): while nobody else changed it,
   * an update is one call to the grid instead of a read and a write. The leader writes a
   * running job's progress once a second, and nobody else writes to it meanwhile.
   *
   * @return the record as it now stands, or empty if there is no such job
   */
  Optional<Stored> update(String id, HazelcastJsonValue known, UnaryOperator<JsonObject> change) {
    HazelcastJsonValue current = known;
    boolean read = false;
    while (true) {
      if (current == null) {
        current = jobs.get(id);
        read = true;
        if (current == null) {
          return Optional.empty();
        }
      }
      JsonObject next = change.apply(new JsonObject(current.getValue()));
      if (next == null && read) {
        return Optional.of(new Stored(new JsonObject(current.getValue()), current));
      }
      if (next != null) {
        HazelcastJsonValue value = new HazelcastJsonValue(next.encode());
        if (jobs.replace(id, current, value)) {
          return Optional.of(new Stored(next, value));
        }
      }
      // Changed since, or a decision to leave a record alone that only the grid's copy can confirm.
      current = null;
    }
  }

  void saveAttachment(String id, byte[] bytes) {
    grid.attachments().set(id, bytes);
  }

  Optional<byte[]> attachment(String id) {
    return Optional.ofNullable(grid.attachments().get(id));
  }
}
