package dev.amdahl.jobs;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A group of tasks run as one grid entry gives the same answer as the tasks run one by one. */
class GroupedTasksTest {

  static Stream<JobSpec> specs() {
    return Stream.of(
        new JsonObject().put("kind", "primes").put("params", new JsonObject().put("from", 1).put("to", 1_000_000)).put("tasks", 30),
        new JsonObject().put("kind", "pi").put("params", new JsonObject().put("samples", 300_000).put("seed", 3)).put("tasks", 30),
        new JsonObject().put("kind", "spin").put("params", new JsonObject().put("tasks", 30).put("iterations", 1000)),
        new JsonObject().put("kind", "sleep").put("params", new JsonObject().put("tasks", 30).put("millis", 0)),
        new JsonObject().put("kind", "mandelbrot").put("params", new JsonObject().put("width", 60).put("height", 40)).put("tasks", 30)
    ).map(JobSpec::parse);
  }

  @ParameterizedTest
  @MethodSource("specs")
  void groupsOfConsecutiveTasksMergeToTheSingleProcessAnswer(JobSpec spec) throws Exception {
    JobKind<?> kind = JobKinds.get(spec.kind());
    List<JsonObject> tasks = kind.split(spec.params(), spec.tasks());
    List<byte[]> partials = new ArrayList<>();
    for (int first = 0; first < tasks.size(); first += 7) {
      List<JsonObject> group = tasks.subList(first, Math.min(tasks.size(), first + 7));
      partials.add(kind.executeAllEncoded(spec.params(), group, Cancellation.NONE));
    }
    JobResult grouped = kind.finishEncoded(spec.params(), partials);
    JobResult single = SingleProcess.run(spec);
    assertEquals(single.summary(), grouped.summary());
    assertEquals(single.hasAttachment(), grouped.hasAttachment());
    if (single.hasAttachment()) {
      assertArrayEquals(single.attachment(), grouped.attachment());
    }
  }
}
