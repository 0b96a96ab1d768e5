package dev.amdahl.cli;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalControlTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private LocalControl control;

  @BeforeEach
  void open() {
    control = LocalControl.open();
  }

  @AfterEach
  void close() {
    control.close();
  }

  private HttpResponse<String> send(String method, String url, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("content-type", "application/json");
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void listensOnLoopbackBehindARandomTokenThatItHandsOnlyToTheCoordinator() throws Exception {
    URI url = URI.create(control.url());
    assertEquals("127.0.0.1", url.getHost());
    assertTrue(url.getPath().length() > 16, "the path carries a token: " + url.getPath());
    assertEquals(Map.of(LocalControl.ENV, control.url()), control.env());
    assertEquals(404, send("GET", "http://127.0.0.1:" + url.getPort() + "/status", null).statusCode(),
        "without the token there are no controls");
  }

  @Test
  void saysSoWhileItsClusterIsNotThereYet() throws Exception {
    HttpResponse<String> response = send("GET", control.url() + "/status", null);
    assertEquals(503, response.statusCode());
    assertTrue(new JsonObject(response.body()).getString("error").contains("starting"));
  }

  @Test
  void listsNoWorkersOfAClusterThatHasNone() throws Exception {
    control.control(new LocalCluster(Launcher.classPath(),
        new LocalCluster.Options(0, 0, 0, "unused", Path.of("target"), Map.of())));
    JsonObject status = new JsonObject(send("GET", control.url() + "/status", null).body());
    assertEquals(0, status.getJsonArray("workers").size());
    assertEquals("idle", status.getJsonObject("roll").getString("state"));
  }

  @Test
  void refusesAVersionLabelThatIsNotOneAndControlsOfWorkersItDoesNotHave() throws Exception {
    control.control(new LocalCluster(Launcher.classPath(),
        new LocalCluster.Options(0, 0, 0, "unused", Path.of("target"), Map.of())));
    HttpResponse<String> badLabel = send("POST", control.url() + "/roll", "{\"version\": \"2.0; rm -rf /\"}");
    assertEquals(400, badLabel.statusCode());
    assertEquals("version", new JsonObject(badLabel.body()).getString("field"));
    assertEquals(400, send("POST", control.url() + "/roll", "not json").statusCode());
    assertEquals(404, send("POST", control.url() + "/workers/worker-9/kill", "{}").statusCode());
    assertEquals(405, send("DELETE", control.url() + "/workers", null).statusCode());
  }

  @Test
  void aRollOfNoWorkersIsDoneAtOnceAndNewWorkersGetItsVersion() throws Exception {
    control.control(new LocalCluster(Launcher.classPath(),
        new LocalCluster.Options(0, 0, 0, "unused", Path.of("target"), Map.of())));
    assertEquals(202, send("POST", control.url() + "/roll", "{\"version\": \"2.0\"}").statusCode());
    JsonObject status = null;
    for (int i = 0; i < 50; i++) {
      status = new JsonObject(send("GET", control.url() + "/status", null).body());
      if ("done".equals(status.getJsonObject("roll").getString("state"))) {
        break;
      }
      Thread.sleep(100);
    }
    assertEquals("done", status.getJsonObject("roll").getString("state"));
    assertEquals(0, status.getJsonObject("roll").getInteger("total"));
    assertEquals("2.0", status.getString("version"));
  }
}
