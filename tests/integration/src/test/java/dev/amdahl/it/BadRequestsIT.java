package dev.amdahl.it;

import dev.amdahl.cli.ApiClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad requests get clear 4xx JSON errors naming the field at fault, and the cluster keeps working. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BadRequestsIT {
  @AutoClose
  private TestCluster cluster;
  private String acceptedBefore;

  @BeforeAll
  void startCluster() {
    cluster = TestCluster.start("bad-requests", 1, Map.of());
    acceptedBefore = cluster.submit("sleep", new JsonObject().put("tasks", 30).put("millis", 100), null);
  }

  @ParameterizedTest(name = "{0} -> {1} on {2}")
  @CsvSource(delimiter = '|', value = {
      "{\"kind\":\"nope\",\"params\":{}}                               | 400 | kind",
      "{\"params\":{}}                                                  | 400 | kind",
      "{\"kind\":42}                                                    | 400 | kind",
      "{\"kind\":\"primes\",\"params\":{\"from\":1}}                    | 400 | params.to",
      "{\"kind\":\"primes\",\"params\":{\"from\":10,\"to\":5}}          | 400 | params.to",
      "{\"kind\":\"primes\",\"params\":{\"from\":-1,\"to\":5}}          | 400 | params.from",
      "{\"kind\":\"primes\",\"params\":{\"from\":\"a\",\"to\":5}}       | 400 | params.from",
      "{\"kind\":\"primes\",\"params\":{\"from\":1,\"to\":5,\"x\":1}}   | 400 | params.x",
      "{\"kind\":\"pi\",\"params\":{\"samples\":1e300}}                 | 400 | params.samples",
      "{\"kind\":\"pi\",\"params\":{\"samples\":100},\"tasks\":0}       | 400 | tasks",
      "{\"kind\":\"pi\",\"params\":{\"samples\":100},\"tasks\":1000}    | 400 | tasks",
      "{\"kind\":\"pi\",\"params\":[1,2]}                               | 400 | params",
      "{\"kind\":\"pi\",\"params\":{\"samples\":100},\"extra\":true}    | 400 | extra",
      "{\"kind\":\"mandelbrot\",\"params\":{\"width\":100000}}          | 400 | params.width",
      "{\"kind\":\"mandelbrot\",\"params\":{\"width\":\"wide\"}}        | 400 | params.width",
      "{\"kind\":\"pi\",\"params\":{\"samples\":100},\"tasksPerEntry\":0} | 400 | tasksPerEntry",
      "{\"kind\":\"mandelbrot\",\"tasksPerEntry\":2}                | 400 | tasksPerEntry",
      "{\"kind\": \"primes\", \"params\": {                             | 400 | body",
      "[1,2,3]                                                          | 400 | body",
      "not json at all                                                  | 400 | body",
  })
  void rejectsABadJobSpecNamingTheField(String body, int status, String field) {
    ApiClient.Response response = cluster.api.post("/api/jobs", body);
    assertEquals(status, response.status(), response.text());
    JsonObject error = response.json();
    assertEquals(field, error.getString("field"), error.encode());
    assertTrue(error.getString("rule", "").length() > 0, "a rule is named: " + error.encode());
  }

  @ParameterizedTest(name = "waitSeconds={0}")
  @ValueSource(strings = {"abc", "-1", "61", "1.5", ""})
  void rejectsABadWaitNamingTheField(String wait) {
    ApiClient.Response response = cluster.api.get("/api/jobs/" + acceptedBefore + "?waitSeconds=" + wait);
    assertEquals(400, response.status(), response.text());
    assertEquals("waitSeconds", response.json().getString("field"), response.text());
  }

  @Test
  void aWaitingGetIsAnsweredWhenTheJobEndsOrWhenTheWaitIsOver() {
    String job = cluster.submit("sleep", new JsonObject().put("tasks", 1).put("millis", 2500), null);
    long start = System.nanoTime();
    JsonObject early = cluster.api.job(job, 1);
    long heldMillis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(Set.of("QUEUED", "RUNNING").contains(early.getString("state")), "still running after a 1 s wait: " + early.encode());
    assertTrue(heldMillis >= 900, "held for the wait, not answered at once: " + heldMillis + " ms");
    JsonObject done = cluster.api.job(job, 30);
    assertEquals("SUCCEEDED", done.getString("state"), "one held request sees the end: " + done.encode());
    assertEquals(404, cluster.api.get("/api/jobs/no-such-job?waitSeconds=5").status());
  }

  @Test
  void theApiRequiresTheTokenAndHealthStaysOpen() {
    ApiClient anonymous = new ApiClient(cluster.cluster.url());
    ApiClient.Response none = anonymous.get("/api/jobs");
    assertEquals(401, none.status());
    assertEquals("authorization", none.json().getString("field"));
    assertEquals(401, new ApiClient(cluster.cluster.url(), "not-the-token").post("/api/jobs", "{\"kind\":\"pi\"}").status());
    assertEquals(401, new ApiClient(cluster.cluster.url(), cluster.cluster.token() + "x").get("/api/cluster").status());
    assertEquals(200, anonymous.get("/health/ready").status());
    assertEquals(200, anonymous.get("/health/live").status());
    assertEquals(404, anonymous.get("/metrics").status(), "metrics are not on the public API port");
  }

  @Test
  void theDashboardTradesAQueryTokenForACookieThatOpensTheApi() {
    ApiClient.Response wrong = new ApiClient(cluster.cluster.url()).get("/?token=wrong");
    assertEquals(401, wrong.status());
    ApiClient.Response right = new ApiClient(cluster.cluster.url()).get("/?token=" + cluster.cluster.token());
    assertEquals(303, right.status());
    assertEquals("/", right.header("location"));
    String cookie = right.header("set-cookie");
    assertTrue(cookie.startsWith("amdahl_token=" + cluster.cluster.token()) && cookie.toLowerCase(java.util.Locale.ROOT).contains("httponly"), cookie);
  }

  @Test
  void rejectsABodyOverTheLimitWith413() {
    String huge = "{\"kind\":\"pi\",\"params\":{\"samples\":1},\"pad\":\"" + "x".repeat(100_000) + "\"}";
    ApiClient.Response response = cluster.api.post("/api/jobs", huge);
    assertEquals(413, response.status());
    assertEquals("body", response.json().getString("field"));
  }

  @Test
  void answersUnknownJobsPathsAndMethodsWithJsonErrors() {
    assertEquals(404, cluster.api.get("/api/jobs/no-such-job").status());
    ApiClient.Response badId = cluster.api.get("/api/jobs/BAD%20ID!");
    assertEquals(400, badId.status());
    assertEquals("id", badId.json().getString("field"));
    ApiClient.Response unknownPath = cluster.api.get("/api/nothing-here");
    assertEquals(404, unknownPath.status());
    assertTrue(unknownPath.json().containsKey("error"));
    assertEquals(404, cluster.api.delete("/api/jobs/no-such-job").status());
    ApiClient.Response wrongMethod = cluster.api.delete("/api/jobs");
    assertEquals(405, wrongMethod.status());
    assertTrue(wrongMethod.json().containsKey("error"));
  }

  @Test
  void keepsWorkingAndLosesNoAcceptedJobAfterBadRequests() {
    for (int i = 0; i < 50; i++) {
      cluster.api.post("/api/jobs", "{\"kind\":\"primes\",\"params\":{\"from\":" + i + "}}");
    }
    assertEquals(new JsonObject().put("sleeps", 30L).put("millis", 3000L),
        cluster.awaitSuccess(acceptedBefore).getJsonObject("result"));
    String id = cluster.submit("primes", new JsonObject().put("from", 1).put("to", 1_000_000), 4);
    assertEquals(78_498L, cluster.awaitSuccess(id).getJsonObject("result").getLong("count"));
  }
}
