package dev.amdahl.worker;

import com.hazelcast.cluster.Member;
import dev.amdahl.node.Logs;
import dev.amdahl.node.grid.Complete;
import dev.amdahl.node.grid.CompleteBatch;
import dev.amdahl.node.grid.Grid;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes task results to the grid in batches: group commit.
 *
 * <p>Executor threads hand a finished task over and go on to the next one. One writer thread
 * takes whatever has finished meanwhile, up to {@link #MAX_BATCH}, and writes it: up to
 * {@link FewKeys#MAX} results with a {@link Complete} each, sent all at once (no added latency when
 * the load is light), more with one {@link CompleteBatch} per grid member, each carrying only
 * the results of the keys that member owns. While a batch is on the wire the next one
 * gathers, so the batches grow exactly as fast as the tasks finish.
 *
 * <p>A batch of fewer than {@link #ENOUGH} results also waits, for at most
 * {@link #LINGER_MILLIS}, while the worker still has tasks of the batch's jobs to finish:
 * their results are due, and the batch's one write and one event to the coordinator serve
 * them all. A job of 100 ms tasks on two threads sends one write and one event per sixteen
 * tasks instead of a write per task and an event per two. The wait never delays a job's end:
 * the last results this worker holds of a job go out at once, and a job cannot end while this
 * worker still runs some of its tasks. What it delays is the word of progress, by a second at
 * most.
 *
 * <p>A task stays held (and its lease renewed) until its result is written; if the grid
 * cannot be reached the batch is tried again, and if it never can, the leases lapse and the
 * tasks run again elsewhere: results are keyed by task, so nothing counts twice.
 */
final class ResultWriter {
  private static final Logger LOG = Logs.logger(ResultWriter.class);
  static final int MAX_BATCH = 512;
  /**
   * How long a batch waits at most for the results still due from the worker's running tasks.
   * At 100 ms, a job of 100 ms tasks on two threads wrote two or three results at a time: 200
   * tasks woke this thread 590 times for 0.1 s of CPU, and the coordinator's event loop as
   * much again, all of it taken from the tasks on a small machine; at 500 ms, 260 times for
   * 0.03 s, and the coordinator half as often. At 1 s, with {@link #ENOUGH} raised from 8 to
   * 16, such a job writes and tells half as often again. The CPU the whole cluster spent on a
   * job of 200 of those tasks beside them and the JIT, beyond what it spends idle, was 0.15 to
   * 0.18 core-seconds in three runs of the bench against 0.16 and 0.19 in two without: less by
   * about what the saved writes and events cost, within the runs' spread (docs/performance-history.md,
   * fifteenth round).
   */
  static final long LINGER_MILLIS = 1000;
  /**
   * A batch of this many results goes out without waiting for more: its costs are shared well
   * enough, and writing it while the next one gathers keeps a job of short tasks flowing.
   */
  static final int ENOUGH = 16;
  private static final int ATTEMPTS = 5;
  private static final long WRITE_TIMEOUT_SECONDS = 30;
  /** Put in the queue by {@link #close}: wakes the writer, which writes what is left and stops. */
  private static final Finished CLOSING = new Finished(null, null, 0);

  /** A task that ran, its encoded result, and how long it ran. */
  record Finished(HeldTask entry, byte[] result, long nanos) {
    String key() {
      return entry.task.key();
    }
  }

  /** What the writer reports: each batch with the grid's verdict on every result. */
  interface Sink {
    /** Whether the worker still has tasks of one of {@code jobIds} to finish: more results are due. */
    boolean moreDue(Set<String> jobIds);

    void written(List<Finished> batch, Map<String, Complete.Outcome> outcomes);

    /** The batch could not be written at all; its tasks will run again when their leases lapse. */
    void lost(List<Finished> batch);
  }

  private final Grid grid;
  private final String by;
  private final Sink sink;
  private final LinkedBlockingQueue<Finished> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final long lingerNanos;
  /**
   * Raised by a hand-over that ends the writer's linger: its batch now has enough results, or
   * a job of the batch has none due any more. A result that changes neither leaves the
   * writer asleep: in a job of 100 ms tasks, waking it for each result to see that more were
   * due cost a thread wake-up per task.
   */
  private final Signal lingerOver = new Signal();
  /** While the writer lingers, the results its batch held when it last looked; 0 otherwise. */
  private volatile int lingering;
  private volatile boolean open = true;

  ResultWriter(Grid grid, String by, Sink sink) {
    this(grid, by, sink, LINGER_MILLIS);
  }

  ResultWriter(Grid grid, String by, Sink sink, long lingerMillis) {
    this.lingerNanos = TimeUnit.MILLISECONDS.toNanos(lingerMillis);
    this.grid = grid;
    this.by = by;
    this.sink = sink;
    this.thread = new Thread(this::loop, "amdahl-result-writer");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  void offer(Finished finished) {
    queue.add(finished);
    int gathered = lingering;
    if (gathered > 0 && (gathered + queue.size() >= ENOUGH || !sink.moreDue(Set.of(finished.entry().task.getJobId())))) {
      lingerOver.raise();
    }
  }

  /** Writes what is queued, then stops. */
  void close(long waitMillis) {
    open = false;
    queue.add(CLOSING);
    lingerOver.raise();
    try {
      thread.join(waitMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void loop() {
    List<Finished> batch = new ArrayList<>();
    while (open || !queue.isEmpty()) {
      try {
        batch.add(queue.take());
        queue.drainTo(batch, MAX_BATCH - 1);
        linger(batch);
        batch.removeIf(finished -> finished == CLOSING);
        if (!batch.isEmpty()) {
          writeWithRetries(batch);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "handling a batch of results failed", e);
      } finally {
        batch.clear();
      }
    }
  }

  /** Adds to {@code batch} the results that arrive while more of its jobs' results are due, up to {@link #ENOUGH}, for at most the linger. */
  private void linger(List<Finished> batch) throws InterruptedException {
    Set<String> jobs = new HashSet<>();
    long deadline = System.nanoTime() + lingerNanos;
    try {
      for (int seen = 0; ; ) {
        // Said before the queue is read: a hand-over after this sees it, and one before is in the batch.
        lingering = batch.size();
        queue.drainTo(batch, MAX_BATCH - batch.size());
        lingering = batch.size();
        for (; seen < batch.size(); seen++) {
          if (batch.get(seen) != CLOSING) {
            jobs.add(batch.get(seen).entry().task.getJobId());
          }
        }
        long left = deadline - System.nanoTime();
        if (!open || batch.size() >= ENOUGH || jobs.isEmpty() || !sink.moreDue(jobs) || left <= 0) {
          return;
        }
        // A raise since the look above is kept: the wait then returns at once, and the loop looks again.
        lingerOver.awaitNanos(left);
      }
    } finally {
      lingering = 0;
    }
  }

  // A call that failed is tried again for its own results only: the ones another member
  // accepted already would come back as duplicates and be miscounted.
  private void writeWithRetries(List<Finished> batch) throws InterruptedException {
    Map<String, Complete.Outcome> outcomes = new HashMap<>(batch.size() * 2);
    List<Finished> left = batch;
    for (int attempt = 1; ; attempt++) {
      left = write(left, outcomes);
      if (left.isEmpty()) {
        sink.written(batch, outcomes);
        return;
      }
      if (attempt == ATTEMPTS) {
        LOG.warning("could not write " + left.size() + " results after " + ATTEMPTS
            + " attempts; their tasks run again when the leases lapse");
        List<Finished> written = new ArrayList<>(batch);
        written.removeAll(left);
        sink.written(written, outcomes);
        sink.lost(left);
        return;
      }
      Thread.sleep(100L << attempt);
    }
  }

  /**
   * A few results go out as one call per result, all at once: each is a single operation on
   * its key's partition, where a call for several keys is fanned out over their partitions on
   * the member and gathered again, which costs more than the calls it saves while a batch is
   * small.
   */
  private List<Finished> writeEach(List<Finished> batch, Map<String, Complete.Outcome> outcomes) throws InterruptedException {
    List<CompletionStage<Complete.Outcome>> calls = new ArrayList<>(batch.size());
    for (Finished finished : batch) {
      calls.add(grid.tasks().submitToKey(finished.key(), new Complete(by, finished.result(), finished.nanos() / 1000)));
    }
    List<FewKeys.Answer<Complete.Outcome>> answers = FewKeys.awaitAll(calls, WRITE_TIMEOUT_SECONDS);
    List<Finished> failed = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Finished finished = batch.get(i);
      FewKeys.Answer<Complete.Outcome> answer = answers.get(i);
      if (answer.failure() == null) {
        outcomes.put(finished.key(), answer.value());
      } else {
        LOG.info(() -> "writing the result of " + finished.key() + " failed; trying again: " + answer.failure());
        failed.add(finished);
      }
    }
    return failed;
  }

  /** Writes {@code batch}, adding each verdict to {@code outcomes}; returns what could not be written. */
  private List<Finished> write(List<Finished> batch, Map<String, Complete.Outcome> outcomes) throws InterruptedException {
    if (batch.size() <= FewKeys.MAX) {
      return writeEach(batch, outcomes);
    }
    // One operation per member that owns some of the keys, carrying only those results. An
    // owner that changes meanwhile (a migration) costs a forward, not a wrong answer.
    Map<Member, List<Finished>> byOwner = new HashMap<>();
    var partitions = grid.hazelcast().getPartitionService();
    for (Finished finished : batch) {
      byOwner.computeIfAbsent(partitions.getPartition(finished.key()).getOwner(), m -> new ArrayList<>()).add(finished);
    }
    List<Map.Entry<List<Finished>, CompletionStage<Map<String, Complete.Outcome>>>> calls = new ArrayList<>();
    for (List<Finished> group : byOwner.values()) {
      Map<String, CompleteBatch.Result> results = new HashMap<>(group.size() * 2);
      group.forEach(f -> results.put(f.key(), new CompleteBatch.Result(f.result(), f.nanos() / 1000)));
      calls.add(Map.entry(group, grid.tasks().submitToKeys(results.keySet(), new CompleteBatch(by, results))));
    }
    List<Finished> failed = new ArrayList<>();
    for (Map.Entry<List<Finished>, CompletionStage<Map<String, Complete.Outcome>>> call : calls) {
      try {
        outcomes.putAll(call.getValue().toCompletableFuture().get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS));
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        LOG.info(() -> "writing " + call.getKey().size() + " results failed; trying again: " + e);
        failed.addAll(call.getKey());
      }
    }
    return failed;
  }
}
