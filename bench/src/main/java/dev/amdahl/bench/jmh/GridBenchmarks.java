package dev.amdahl.bench.jmh;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.map.IMap;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import dev.amdahl.node.HazelcastSetup;
import dev.amdahl.node.Names;
import dev.amdahl.node.grid.Claim;
import dev.amdahl.node.grid.Complete;
import dev.amdahl.node.grid.CompleteBatch;
import dev.amdahl.node.grid.TaskEntry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The grid's hot paths against an embedded single-member Hazelcast: claiming a task under
 * a lease, writing its result (one at a time, and 64 in one batch), and a task entry's
 * serialization.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GridBenchmarks {
  private static final int KEYS = 1024;
  private static final int BATCH = 64;

  private HazelcastInstance member;
  private IMap<String, TaskEntry> tasks;
  private SerializationService serialization;
  private TaskEntry entry;
  private Data entryData;
  private final byte[] result = new byte[64];
  private int next;

  @Setup(Level.Trial)
  public void start() {
    member = Hazelcast.newHazelcastInstance(HazelcastSetup.standalone("amdahl-jmh-" + ProcessHandle.current().pid()));
    tasks = member.getMap(Names.TASKS);
    serialization = ((SerializationServiceSupport) member).getSerializationService();
    entry = TaskEntry.queued("job-1", 7, "sleep", "{\"tasks\":100,\"millis\":0}", "{\"index\":7,\"sleeps\":1}", 3, 0);
    entryData = serialization.toData(entry);
    for (int i = 0; i < KEYS; i++) {
      tasks.set(TaskEntry.key("job-1", i), TaskEntry.queued("job-1", i, "sleep", "{}", "{\"index\":" + i + "}", 3, 0));
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    member.shutdown();
  }

  /** A claim whose lease expires at once, so the same entries can be claimed again and again. */
  @Benchmark
  public TaskEntry claim() {
    return tasks.executeOnKey(TaskEntry.key("job-1", next++ & (KEYS - 1)), new Claim("worker-jmh", 0));
  }

  /** A task's whole life in the grid: queued, claimed, result written. */
  @Benchmark
  public Complete.Outcome queueClaimComplete() {
    int index = next++ & (KEYS - 1);
    String key = TaskEntry.key("job-1", index);
    tasks.set(key, TaskEntry.queued("job-1", index, "sleep", "{}", "{\"index\":" + index + "}", 3, 0));
    tasks.executeOnKey(key, new Claim("worker-jmh", 60_000));
    return tasks.executeOnKey(key, new Complete("worker-jmh", result, 10));
  }

  /** 64 results written one call each, as a worker without batching would (the tasks re-queued first). */
  @Benchmark
  public int resultWrite64Single() {
    Map<String, TaskEntry> fresh = requeueBatch();
    int accepted = 0;
    for (String key : fresh.keySet()) {
      accepted += tasks.executeOnKey(key, new Complete("worker-jmh", result, 10)) == Complete.Outcome.ACCEPTED ? 1 : 0;
    }
    return accepted;
  }

  /** The same 64 results written in one {@link CompleteBatch}, as the worker's ResultWriter does. */
  @Benchmark
  public int resultWrite64Batched() {
    Map<String, TaskEntry> fresh = requeueBatch();
    Map<String, CompleteBatch.Result> results = new HashMap<>();
    fresh.keySet().forEach(key -> results.put(key, new CompleteBatch.Result(result, 10)));
    return (int) tasks.executeOnKeys(results.keySet(), new CompleteBatch("worker-jmh", results)).values().stream()
        .filter(outcome -> outcome == Complete.Outcome.ACCEPTED).count();
  }

  private Map<String, TaskEntry> requeueBatch() {
    Map<String, TaskEntry> fresh = new HashMap<>();
    int first = (next += BATCH) & (KEYS - 1);
    for (int i = first; i < first + BATCH; i++) {
      int index = i & (KEYS - 1);
      fresh.put(TaskEntry.key("job-1", index), TaskEntry.queued("job-1", index, "sleep", "{}", "{\"index\":" + index + "}", 3, 0));
    }
    tasks.putAll(fresh);
    return fresh;
  }

  @Benchmark
  public Data taskEntryToData() {
    return serialization.toData(entry);
  }

  @Benchmark
  public TaskEntry taskEntryFromData() {
    return serialization.toObject(entryData);
  }
}
