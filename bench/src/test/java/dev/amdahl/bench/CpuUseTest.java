package dev.amdahl.bench;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CPU accounting of the local pool, read from this JVM's own threads, and the machine's steal time. */
class CpuUseTest {

  @Test
  void countsThePoolsTaskCpuAndTheMachinesSteal() throws Exception {
    CpuUse before = CpuUse.ofLocalPools();
    ForkJoinPool pool = new ForkJoinPool(1);
    JsonObject used;
    try {
      pool.submit(() -> {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        long x = 1;
        while (System.nanoTime() < until) {
          x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return x;
      }).get(10, TimeUnit.SECONDS);
      // Read while the pool's thread lives: a thread that has ended takes its CPU with it.
      used = CpuUse.ofLocalPools().since(before);
    } finally {
      pool.shutdownNow();
    }
    if (Files.isReadable(Path.of("/proc/self/task"))) {
      assertTrue(used.getDouble("tasks") >= 0.1, "200 ms of spinning on a pool thread counts as task CPU: " + used);
      assertEquals(used.getDouble("tasks"), used.getDouble("total"), 0.0005, "a local pool's threads are all tasks: " + used);
    }
    if (Files.isReadable(Path.of("/proc/stat"))) {
      assertTrue(used.getDouble("machineStealSeconds") >= 0, "steal time is read from /proc/stat: " + used);
    } else {
      assertFalse(used.containsKey("machineStealSeconds"), "no /proc/stat, no steal figure: " + used);
    }
  }
}
