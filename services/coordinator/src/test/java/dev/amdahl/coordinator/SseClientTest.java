package dev.amdahl.coordinator;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SseClientTest {
  private Vertx vertx;
  private HttpServer server;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stopVertx() {
    vertx.close().await();
  }

  private int serve(Consumer<SseClient> handler) {
    server = vertx.createHttpServer().requestHandler(request -> handler.accept(SseClient.open(request.response())))
        .listen(0, "127.0.0.1").await();
    return server.actualPort();
  }

  private static Socket request(int port) throws Exception {
    Socket socket = new Socket("127.0.0.1", port);
    OutputStream out = socket.getOutputStream();
    out.write("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  @Test
  void aClientThatReadsGetsEachEventAsOneFrame() throws Exception {
    int port = serve(client -> client.send(SseClient.frame("job", new JsonObject().put("id", "j1").put("text", "two\nlines"))));
    try (Socket socket = request(port)) {
      socket.setSoTimeout(5000);
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder head = new StringBuilder();
      for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
        head.append(line.toLowerCase()).append('\n');
      }
      assertTrue(head.toString().contains("content-type: text/event-stream"), head.toString());
      String event = null;
      String data = null;
      for (String line = in.readLine(); line != null && data == null; line = in.readLine()) {
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = line.substring(6);
        }
      }
      assertEquals("job", event);
      assertEquals("two\nlines", new JsonObject(data).getString("text"), "a newline in the data stays inside the JSON");
    }
  }

  @Test
  void aClientThatStopsReadingIsDroppedInsteadOfBufferedWithoutEnd() throws Exception {
    CompletableFuture<Long> sentBeforeDrop = new CompletableFuture<>();
    Buffer frame = SseClient.frame("cluster", new JsonObject().put("padding", "x".repeat(64 * 1024)));
    int port = serve(client -> {
      long sent = 0;
      // Far more than any socket buffer holds: the client must be dropped long before this ends.
      for (int i = 0; i < 4096; i++) {
        if (!client.send(frame)) {
          sentBeforeDrop.complete(sent);
          return;
        }
        sent += frame.length();
      }
      sentBeforeDrop.completeExceptionally(new AssertionError("a client that never reads was never dropped"));
    });
    try (Socket socket = request(port)) {
      socket.setReceiveBufferSize(4096);
      long sent = sentBeforeDrop.get(30, TimeUnit.SECONDS);
      assertTrue(sent < 4096L * frame.length(), "dropped after " + sent + " bytes");
    }
  }
}
