package dev.amdahl.worker;

import dev.amdahl.jobs.Cancellation;
import dev.amdahl.jobs.JobKind;
import dev.amdahl.jobs.JobKinds;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ResultFormatTest {
  private static final ResultFormat CURRENT = new ResultFormat(ResultFormat.CURRENT, "worker-old", "1.0.0");
  private static final ResultFormat NEXT = new ResultFormat(ResultFormat.NEXT, "worker-new", "1.1.0");

  @Test
  void currentFormatLeavesTheKindsEncodingAsItIs() {
    byte[] encoded = "{\"count\":4}".getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(encoded, CURRENT.write(encoded));
  }

  @Test
  void nextFormatAddsWhoProducedThePartial() {
    JsonObject written = new JsonObject(new String(NEXT.write("{\"count\":4}".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
    assertEquals(4L, written.getLong("count"));
    assertEquals(new JsonObject().put("node", "worker-new").put("version", "1.1.0").put("format", 2), written.getJsonObject("producedBy"));
  }

  @Test
  void nextFormatLeavesBinaryPartialsAlone() {
    byte[] tiles = {0, 0, 0, 1, 42, 7};
    assertArrayEquals(tiles, NEXT.write(tiles));
  }

  @Test
  void primesMergedFromBothFormatsGiveTheExactCount() throws Exception {
    JsonObject finished = mergeAlternatingFormats("primes", new JsonObject().put("from", 1L).put("to", 1_000_000L), 10);
    assertEquals(78_498L, finished.getLong("count"));
  }

  @Test
  void piMergedFromBothFormatsIsBitIdenticalToOneFormat() throws Exception {
    JsonObject params = new JsonObject().put("samples", 2_000_000L).put("seed", 7L);
    JsonObject mixed = mergeAlternatingFormats("pi", params, 8);
    JsonObject single = merge("pi", params, 8, i -> CURRENT);
    assertEquals(single, mixed);
  }

  private static JsonObject mergeAlternatingFormats(String kindName, JsonObject params, int tasks) throws Exception {
    return merge(kindName, params, tasks, i -> i % 2 == 0 ? CURRENT : NEXT);
  }

  private static JsonObject merge(String kindName, JsonObject params, int tasks,
      java.util.function.IntFunction<ResultFormat> formatOfTask) throws Exception {
    JobKind<?> kind = JobKinds.get(kindName);
    JsonObject valid = kind.validate(params);
    List<JsonObject> inputs = kind.split(valid, tasks);
    List<byte[]> partials = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      partials.add(formatOfTask.apply(i).write(kind.executeEncoded(valid, inputs.get(i), Cancellation.NONE)));
    }
    return kind.finishEncoded(valid, partials).summary();
  }
}
