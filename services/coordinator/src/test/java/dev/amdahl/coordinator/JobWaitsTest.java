package dev.amdahl.coordinator;

import dev.amdahl.node.Names;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobWaitsTest {
  private Vertx vertx;
  private EventBus bus;
  private JobWaits waits;
  private final List<String> woken = new CopyOnWriteArrayList<>();
  private final Semaphore wakes = new Semaphore(0);

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    bus = vertx.eventBus();
    waits = new JobWaits(bus);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private Runnable watch(String job) {
    return waits.watch(job, () -> {
      woken.add(job);
      wakes.release();
    });
  }

  private void awaitWakes(int count) throws InterruptedException {
    assertTrue(wakes.tryAcquire(count, 5, TimeUnit.SECONDS), "woken " + woken + ", expected " + count + " wakes");
  }

  private void updated(String job, String state) {
    JsonObject event = new JsonObject().put("jobId", job);
    bus.publish(Names.JOB_UPDATED, state == null ? event : event.put("state", state));
  }

  @Test
  void progressOfARunningJobWakesNoOneAndItsEndDoes() throws Exception {
    watch("j1");
    updated("j1", "RUNNING");
    updated("j1", "RUNNING");
    updated("j1", "SUCCEEDED");
    awaitWakes(1);
    // Events reach the consumer in order: had a RUNNING one woken the watcher, it would show here.
    assertEquals(List.of("j1"), woken);
  }

  @Test
  void anUpdateOfUnknownStateAndAStopWakeTheWatchersOfThatJobOnly() throws Exception {
    watch("j1");
    watch("j2");
    updated("j1", null);
    bus.publish(Names.JOB_STOPPED, new JsonObject().put("jobId", "j2").put("reason", "user"));
    updated("j1", "CANCELLED");
    awaitWakes(3);
    // Two addresses: the order between them is not given, the count is.
    assertEquals(List.of("j1", "j1", "j2"), woken.stream().sorted().toList());
  }

  @Test
  void aWatcherThatLeftIsNotWoken() throws Exception {
    Runnable unwatch = watch("j1");
    watch("j2");
    unwatch.run();
    updated("j1", "FAILED");
    updated("j2", "FAILED");
    awaitWakes(1);
    assertEquals(List.of("j2"), woken);
  }
}
