package dev.amdahl.worker;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.amdahl.node.HazelcastSetup;
import dev.amdahl.node.grid.Claim;
import dev.amdahl.node.grid.Complete;
import dev.amdahl.node.grid.Grid;
import dev.amdahl.node.grid.TaskEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The result writer against a real (embedded, single) Hazelcast member: results due soon share
 * a write, a batch of enough results and a result with nothing more due are not held back,
 * and closing does not wait out a linger. The linger is a minute here, so that a result held
 * back by mistake cannot pass for one written at once.
 */
class ResultWriterTest {
  private static final String BY = "worker-test";
  private static final long LONG_LINGER_MILLIS = 60_000;
  private static HazelcastInstance member;
  private static Grid grid;
  private static int jobs;

  private final BlockingQueue<List<String>> batches = new LinkedBlockingQueue<>();
  private final BlockingQueue<Map<String, Complete.Outcome>> verdicts = new LinkedBlockingQueue<>();
  private final CountDownLatch asked = new CountDownLatch(1);
  private final AtomicBoolean due = new AtomicBoolean();
  private ResultWriter writer;
  private String jobId;

  @BeforeAll
  static void startMember() {
    member = Hazelcast.newHazelcastInstance(HazelcastSetup.standalone("amdahl-result-writer-" + ProcessHandle.current().pid()));
    grid = new Grid(member);
  }

  @AfterAll
  static void stopMember() {
    member.shutdown();
  }

  @AfterEach
  void closeWriter() {
    if (writer != null) {
      writer.close(5000);
    }
  }

  @Test
  void resultsDueSoonShareOneWrite() throws Exception {
    due.set(true);
    start();
    writer.offer(finished(0));
    assertTrue(asked.await(10, TimeUnit.SECONDS), "the writer asks whether more results are due");
    due.set(false);
    writer.offer(finished(1));
    assertEquals(List.of(TaskEntry.key(jobId, 0), TaskEntry.key(jobId, 1)), batches.poll(10, TimeUnit.SECONDS));
    Map<String, Complete.Outcome> outcomes = verdicts.poll(1, TimeUnit.SECONDS);
    assertEquals(Map.of(TaskEntry.key(jobId, 0), Complete.Outcome.ACCEPTED, TaskEntry.key(jobId, 1), Complete.Outcome.ACCEPTED), outcomes);
    assertEquals(TaskEntry.DONE, grid.tasks().get(TaskEntry.key(jobId, 1)).getState());
  }

  @Test
  void aBatchOfEnoughResultsDoesNotWaitForMore() throws Exception {
    due.set(true);
    start();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < ResultWriter.ENOUGH; i++) {
      writer.offer(finished(i));
      keys.add(TaskEntry.key(jobId, i));
    }
    List<String> written = new ArrayList<>();
    while (written.size() < keys.size()) {
      List<String> batch = batches.poll(10, TimeUnit.SECONDS);
      assertNotNull(batch, "written well within the minute's linger, though more results are due: " + written);
      written.addAll(batch);
    }
    assertEquals(keys, written);
  }

  @Test
  void aResultWithNothingMoreDueIsWrittenAtOnce() throws Exception {
    start();
    writer.offer(finished(0));
    assertEquals(List.of(TaskEntry.key(jobId, 0)), batches.poll(10, TimeUnit.SECONDS),
        "written well within the minute's linger: nothing more of its job was due");
    writer.offer(finished(1));
    assertEquals(List.of(TaskEntry.key(jobId, 1)), batches.poll(10, TimeUnit.SECONDS));
  }

  @Test
  void closingWritesALingeringBatchAtOnce() throws Exception {
    due.set(true);
    start();
    writer.offer(finished(0));
    assertTrue(asked.await(10, TimeUnit.SECONDS));
    writer.close(10_000);
    assertEquals(List.of(TaskEntry.key(jobId, 0)), batches.poll(1, TimeUnit.SECONDS),
        "a draining worker's last results go out without waiting for more");
    writer = null;
    assertNull(batches.poll());
  }

  private void start() {
    jobId = "job-" + ++jobs;
    writer = new ResultWriter(grid, BY, new ResultWriter.Sink() {
      @Override
      public boolean moreDue(Set<String> jobIds) {
        assertEquals(Set.of(jobId), jobIds);
        boolean answer = due.get();
        // Counted down once the answer is taken: a test that then changes it cannot race this call.
        asked.countDown();
        return answer;
      }

      @Override
      public void written(List<ResultWriter.Finished> batch, Map<String, Complete.Outcome> outcomes) {
        verdicts.add(outcomes);
        batches.add(batch.stream().map(ResultWriter.Finished::key).toList());
      }

      @Override
      public void lost(List<ResultWriter.Finished> batch) {
        throw new AssertionError("the member is up: nothing may be lost");
      }
    }, LONG_LINGER_MILLIS);
    writer.start();
  }

  /** A task of the test's job, claimed by this worker and run: its result is ready to write. */
  private ResultWriter.Finished finished(int index) {
    String key = TaskEntry.key(jobId, index);
    grid.tasks().set(key, TaskEntry.queued(jobId, index, "sleep", "{}", "{\"index\":" + index + "}", 3, 0));
    TaskEntry claimed = grid.tasks().executeOnKey(key, new Claim(BY, 60_000));
    assertNotNull(claimed, "claimed");
    HeldTask entry = new HeldTask(claimed, false);
    entry.executed = true;
    return new ResultWriter.Finished(entry, new byte[] {(byte) index}, 1000);
  }
}
