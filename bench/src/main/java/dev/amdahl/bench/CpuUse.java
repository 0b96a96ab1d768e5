package dev.amdahl.bench;

import dev.amdahl.cli.NodeProcess;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where the CPU of a cluster's processes went: each thread's CPU time from
 * {@code /proc/<pid>/task/<tid>/schedstat}, summed into the workers' task threads, the JIT
 * compilers per service, and everything else per service (Hazelcast, Vert.x, the pulse, the
 * leader...); and how long the task threads, ready to run, waited for a core (the second
 * schedstat field). The same for the local pool in this JVM, whose threads count as tasks.
 * A thread that ends between two readings takes its last CPU with it (a few milliseconds at
 * most). Linux only; elsewhere every figure is zero.
 *
 * <p>Each reading also takes the machine's steal time from {@code /proc/stat}: how long its
 * virtual CPUs were ready to run but the hypervisor ran something else. The speed of this
 * virtual machine drifts by a few percent within a minute; steal is one visible cause.
 */
final class CpuUse {
  /** USER_HZ, the unit of {@code /proc/stat}: 100 on every Linux the JDK runs on. */
  private static final double TICKS_PER_SECOND = 100;

  /** A thread: its category and its CPU so far. */
  private record Thread(String category, long nanos, long waitedNanos) {
  }

  /** Every thread of the nodes, keyed by pid/tid. */
  private final Map<String, Thread> threads;
  /** The machine's steal time so far, in clock ticks (-1: not known). */
  private final long stealTicks;

  private CpuUse(Map<String, Thread> threads) {
    this.threads = threads;
    this.stealTicks = stealTicks();
  }

  /**
   * The eighth number of the {@code cpu} line of {@code /proc/stat}: steal, over all CPUs, in
   * clock ticks of {@link #TICKS_PER_SECOND}.
   */
  private static long stealTicks() {
    try {
      String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      return cpu[0].equals("cpu") && cpu.length > 8 ? Long.parseLong(cpu[8]) : -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The CPU the given nodes' threads have used so far. */
  static CpuUse of(List<NodeProcess> nodes) {
    Map<String, Thread> threads = new HashMap<>();
    for (NodeProcess node : nodes) {
      add(threads, node.pid(), node.service(), "amdahl-task-");
    }
    return new CpuUse(threads);
  }

  /** The CPU this JVM's ForkJoinPool threads (the local pools) have used so far, as tasks. */
  static CpuUse ofLocalPools() {
    Map<String, Thread> threads = new HashMap<>();
    add(threads, ProcessHandle.current().pid(), "bench", "ForkJoinPool-");
    threads.values().removeIf(thread -> !thread.category().equals("tasks"));
    return new CpuUse(threads);
  }

  private static void add(Map<String, Thread> threads, long pid, String service, String taskPrefix) {
    try (Stream<Path> each = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      each.forEach(thread -> read(thread, service, taskPrefix).ifPresent(t -> threads.put(pid + "/" + thread.getFileName(), t)));
    } catch (IOException | RuntimeException e) {
      // the process has gone: it uses nothing more
    }
  }

  private static Optional<Thread> read(Path thread, String service, String taskPrefix) {
    try {
      String name = Files.readString(thread.resolve("comm")).trim();
      String[] schedstat = Files.readString(thread.resolve("schedstat")).trim().split(" ");
      String category = name.startsWith(taskPrefix) ? "tasks"
          : name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") ? "jit." + service
          : "other." + service;
      return Optional.of(new Thread(category, Long.parseLong(schedstat[0]), Long.parseLong(schedstat[1])));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // the thread ended between listing and reading
    }
  }

  /**
   * Seconds of CPU used since {@code before}, rounded to milliseconds, by category: {@code tasks}
   * (the workers' task threads), {@code jit.<service>}, {@code other.<service>}, and the {@code total};
   * {@code tasksWaitedForCpu}, the seconds the task threads were ready but not running; and
   * {@code machineStealSeconds}, the steal time of all the machine's CPUs meanwhile (absent
   * where the machine does not say).
   */
  JsonObject since(CpuUse before) {
    Map<String, Double> seconds = new TreeMap<>();
    double waited = 0;
    for (Map.Entry<String, Thread> thread : threads.entrySet()) {
      Thread now = thread.getValue();
      Thread then = before.threads.getOrDefault(thread.getKey(), new Thread(now.category(), 0, 0));
      seconds.merge(now.category(), (now.nanos() - then.nanos()) / 1e9, Double::sum);
      if (now.category().equals("tasks")) {
        waited += (now.waitedNanos() - then.waitedNanos()) / 1e9;
      }
    }
    JsonObject used = new JsonObject();
    seconds.forEach((category, value) -> used.put(category, Bench.round3(value)));
    used.put("total", Bench.round3(seconds.values().stream().mapToDouble(Double::doubleValue).sum()))
        .put("tasksWaitedForCpu", Bench.round3(waited));
    if (stealTicks >= 0 && before.stealTicks >= 0) {
      used.put("machineStealSeconds", Bench.round3((stealTicks - before.stealTicks) / TICKS_PER_SECOND));
    }
    return used;
  }
}
