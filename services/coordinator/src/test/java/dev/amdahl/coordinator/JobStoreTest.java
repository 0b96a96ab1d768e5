package dev.amdahl.coordinator;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.LocalMapStats;
import dev.amdahl.node.HazelcastSetup;
import dev.amdahl.node.Names;
import dev.amdahl.node.grid.Grid;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Job records against a real (embedded, single) Hazelcast member: an update that starts from
 * the record as last written is one call, and one that starts from a record changed since
 * (a cancel, another coordinator) decides on the grid's copy, never on the stale one.
 */
class JobStoreTest {
  private static HazelcastInstance member;
  private static JobStore store;
  private static int jobs;

  @BeforeAll
  static void startMember() {
    member = Hazelcast.newHazelcastInstance(HazelcastSetup.standalone("amdahl-job-store-" + ProcessHandle.current().pid()));
    store = new JobStore(new Grid(member));
  }

  @AfterAll
  static void stopMember() {
    member.shutdown();
  }

  @Test
  void anUpdateFromTheRecordAsLastWrittenNeedsNoRead() {
    JobStore.Stored created = store.create(job("QUEUED"));
    String id = created.job().getString("id");
    long gets = stats().getGetOperationCount();

    JobStore.Stored running = store.update(id, created.value(), job -> job.put("state", "RUNNING")).orElseThrow();
    JobStore.Stored progressed = store.update(id, running.value(), job -> job.put("progress", 5)).orElseThrow();

    assertEquals(gets, stats().getGetOperationCount());
    assertEquals(5, store.get(id).orElseThrow().getInteger("progress"));
    assertEquals(gets + 1, stats().getGetOperationCount(), "the map's statistics count reads");
    assertEquals("RUNNING", progressed.job().getString("state"));
  }

  @Test
  void anUpdateFromARecordChangedSinceAppliesToTheGridsCopy() {
    JobStore.Stored created = store.create(job("RUNNING"));
    String id = created.job().getString("id");
    store.update(id, job -> job.put("state", "CANCELLED"));
    AtomicInteger looks = new AtomicInteger();

    JobStore.Stored after = store.update(id, created.value(), job -> {
      looks.incrementAndGet();
      return job.getString("state").equals("CANCELLED") ? null : job.put("progress", 7);
    }).orElseThrow();

    assertEquals(2, looks.get());
    assertEquals("CANCELLED", after.job().getString("state"));
    assertEquals(new JsonObject(after.value().getValue()), store.get(id).orElseThrow());
    assertEquals(0, store.get(id).orElseThrow().getInteger("progress"));
  }

  @Test
  void leavingAStaleRecordAloneIsDecidedOnTheGridsCopy() {
    JobStore.Stored created = store.create(job("QUEUED"));
    String id = created.job().getString("id");
    store.update(id, job -> job.put("state", "RUNNING"));

    // What was known says "not queued, leave it": only the grid's copy can say whether that holds.
    HazelcastJsonValue stale = new HazelcastJsonValue(created.job().copy().put("state", "FAILED").encode());
    JobStore.Stored after = store.update(id, stale, job -> job.getString("state").equals("RUNNING") ? job.put("progress", 3) : null)
        .orElseThrow();

    assertEquals(3, after.job().getInteger("progress"));
    assertEquals(3, store.get(id).orElseThrow().getInteger("progress"));
  }

  @Test
  void aRunningJobReadsWithTheTasksHeardDoneAndAnEndedOneAsStored() {
    LiveProgress live = new LiveProgress();
    JobStore heard = new JobStore(new Grid(member), live);
    JsonObject running = job("RUNNING").put("progress", new JsonObject().put("total", 10).put("done", 2));
    String id = store.create(running).job().getString("id");
    live.done(new JsonObject().put("jobId", id).put("index", 0).put("count", 7));

    assertEquals(7, heard.get(id).orElseThrow().getJsonObject("progress").getInteger("done"));
    assertEquals(7, heard.inState(JobState.RUNNING).stream().filter(j -> j.getString("id").equals(id)).findFirst()
        .orElseThrow().getJsonObject("progress").getInteger("done"));
    assertEquals(2, store.get(id).orElseThrow().getJsonObject("progress").getInteger("done"), "a store that hears nothing reads the grid's copy");

    store.update(id, job -> job.put("state", "SUCCEEDED").put("progress", new JsonObject().put("total", 10).put("done", 10)));
    assertEquals(10, heard.get(id).orElseThrow().getJsonObject("progress").getInteger("done"));
    assertEquals(0, live.size(), "an ended job's count is forgotten");
  }

  private static JsonObject job(String state) {
    return new JsonObject().put("id", "job-store-test-" + ++jobs).put("state", state).put("progress", 0)
        .put("submittedAt", "2026-12-07T12:00:0" + jobs % 10 + "Z");
  }

  private static LocalMapStats stats() {
    return member.getMap(Names.JOBS).getLocalMapStats();
  }
}
