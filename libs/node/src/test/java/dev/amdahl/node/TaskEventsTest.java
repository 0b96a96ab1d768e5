package dev.amdahl.node;

import com.hazelcast.config.Config;
import dev.amdahl.node.grid.TaskEntry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TaskEventsTest {
  private static final TaskEvents.Batch BATCH = new TaskEvents.Batch("worker-7", "1.0.1-ü", List.of(
      new TaskEvents.Done("job-1", 0, 1, "job-1/0", 103_211, false),
      new TaskEvents.Done("job-1", 40, 8, "job-1/40", 9_000_000_000L, true),
      new TaskEvents.Done("job-ω", 3, 1, null, 0, false)));

  @Test
  void aBatchCrossesTheWireWhole() {
    TaskEvents.BatchCodec codec = new TaskEvents.BatchCodec();
    // On the wire a body follows the message's headers, and the codec must read only its own bytes.
    Buffer wire = Buffer.buffer().appendString("headers");
    codec.encodeToWire(wire, BATCH);
    wire.appendString("after");
    assertEquals(BATCH, codec.decodeFromWire("headers".length(), wire));
    assertEquals(wire.length() - "headers".length() - "after".length() - Integer.BYTES, wire.getInt("headers".length()),
        "the length in front is the body's");
  }

  @Test
  void listenersSeeTheSameEventsFromABatchAndFromTheJsonOfOlderWorkers() {
    JsonArray tasks = new JsonArray();
    for (TaskEvents.Done done : BATCH.tasks()) {
      tasks.add(new JsonObject().put("jobId", done.jobId()).put("index", done.index()).put("count", done.count())
          .put("key", done.key()).put("micros", done.micros()).put("replica", done.replica()));
    }
    JsonObject older = new JsonObject().put("node", BATCH.node()).put("version", BATCH.version()).put("tasks", tasks);
    List<JsonObject> fromBatch = new ArrayList<>();
    List<JsonObject> fromJson = new ArrayList<>();
    TaskEvents.forEachDone(BATCH, fromBatch::add);
    TaskEvents.forEachDone(older, fromJson::add);
    assertEquals(3, fromBatch.size());
    assertEquals(fromJson, fromBatch);
    assertEquals("worker-7", fromBatch.get(1).getString("node"));
    assertEquals(8, fromBatch.get(1).getInteger("count"));
    assertEquals(true, fromBatch.get(1).getBoolean("replica"));
  }

  @Test
  void aWordOfQueuedTasksNamesTheirQueues() {
    Vertx vertx = Vertx.vertx();
    try {
      List<Object> words = new ArrayList<>();
      vertx.eventBus().localConsumer(Names.TASKS_QUEUED, message -> words.add(message.body()));
      CompletableFuture<Void> heard = new CompletableFuture<>();
      vertx.eventBus().localConsumer(Names.TASKS_QUEUED, message -> {
        if (words.size() == 2) {
          heard.complete(null);
        }
      });
      List<String> keys = List.of("job-1/0", "job-1/1", "job-1/2", "job-2/9");
      int expected = 0;
      for (String key : keys) {
        expected |= 1 << TaskEntry.shardOf(key);
      }
      TaskEvents.announceQueued(vertx.eventBus(), keys);
      TaskEvents.announceQueued(vertx.eventBus(), List.of());  // no keys: no word at all
      TaskEvents.announceShards(vertx.eventBus(), 0b101);
      heard.orTimeout(10, TimeUnit.SECONDS).join();
      assertEquals(2, words.size());
      assertEquals(expected, TaskEvents.queuedShards(words.get(0)));
      assertEquals(new JsonObject().put("shards", new JsonArray().add(0).add(2)), words.get(1));
      assertEquals(0b101, TaskEvents.queuedShards(words.get(1)));
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void aWordThatDoesNotSayWhichQueuesNamesThemAll() {
    assertEquals(TaskEvents.ALL_SHARDS, TaskEvents.queuedShards(new JsonObject()), "a word from a coordinator before the shards were said");
    assertEquals(TaskEvents.ALL_SHARDS, TaskEvents.queuedShards(null));
    assertEquals(TaskEvents.ALL_SHARDS, TaskEvents.queuedShards(new JsonObject().put("shards", new JsonArray())));
    assertEquals(TaskEvents.ALL_SHARDS, TaskEvents.queuedShards(new JsonObject().put("shards", new JsonArray().add(3).add(16))));
    assertEquals(TaskEvents.ALL_SHARDS, TaskEvents.queuedShards(new JsonObject().put("shards", new JsonArray().add("3"))));
    assertEquals(TaskEvents.ALL_SHARDS, TaskEvents.queuedShards(new JsonObject().put("shards", "3")));
    assertEquals(0xFFFF, TaskEvents.ALL_SHARDS);
    // A requeue names its task: the word names that task's queue.
    assertEquals(1 << TaskEntry.shardOf("job-1/7"),
        TaskEvents.queuedShards(new JsonObject().put("task", "job-1/7").put("reason", "LEASE_EXPIRED")));
  }

  /** Two clustered Vert.x nodes on real Hazelcast members in this JVM: the event goes over TCP. */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aPublishedBatchArrivesOnAnotherNode() throws Exception {
    String cluster = "task-events-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    Vertx sender = null;
    Vertx receiver = null;
    try {
      receiver = clustered(cluster);
      sender = clustered(cluster);
      CompletableFuture<Object> received = new CompletableFuture<>();
      receiver.eventBus().consumer(Names.TASKS_DONE, message -> received.complete(message.body()))
          .completion().await();
      // The consumer's registration reaches the sender through the grid: publish until it is seen.
      Vertx from = sender;
      long timer = sender.setPeriodic(0, 200, id -> from.eventBus().publish(Names.TASKS_DONE, BATCH));
      try {
        assertEquals(BATCH, received.get(60, TimeUnit.SECONDS));
      } finally {
        sender.cancelTimer(timer);
      }
    } finally {
      for (Vertx vertx : new Vertx[] {sender, receiver}) {
        if (vertx != null) {
          vertx.close().await();
        }
      }
    }
  }

  private static Vertx clustered(String clusterName) {
    Config config = new Config().setClusterName(clusterName);
    config.setProperty("hazelcast.logging.type", "none");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.getNetworkConfig().setPort(15701).setPortAutoIncrement(true);
    config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    var tcpIp = config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true);
    for (int port = 15701; port < 15711; port++) {
      tcpIp.addMember("127.0.0.1:" + port);
    }
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    Vertx vertx = Vertx.builder().withClusterManager(new HazelcastClusterManager(config)).buildClustered().await();
    TaskEvents.registerCodec(vertx.eventBus());
    return vertx;
  }
}
