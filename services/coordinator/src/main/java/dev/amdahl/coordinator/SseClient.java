package dev.amdahl.coordinator;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * One browser following the live event stream (server-sent events). Each has a bounded
 * write queue; a client that does not keep up is dropped rather than buffered without end,
 * and its browser reconnects and starts from a fresh snapshot.
 */
final class SseClient {
  /** Bytes a client may have waiting before it is dropped. */
  static final int MAX_QUEUED_BYTES = 512 * 1024;

  private final HttpServerResponse response;
  private volatile boolean closed;

  SseClient(HttpServerResponse response) {
    this.response = response;
  }

  /** Starts the stream: headers, and how long the browser waits before reconnecting. */
  static SseClient open(HttpServerResponse response) {
    response.setChunked(true)
        .setWriteQueueMaxSize(MAX_QUEUED_BYTES)
        .putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-cache")
        // Compression would hold events back until a buffer fills.
        .putHeader("content-encoding", "identity")
        .putHeader("x-accel-buffering", "no");
    response.write("retry: 2000\n\n");
    return new SseClient(response);
  }

  /** One event, encoded once and written to every client. */
  static Buffer frame(String event, JsonObject data) {
    return Buffer.buffer("event: " + event + "\ndata: " + data.encode() + "\n\n");
  }

  /** Writes a frame; returns false, and drops the client, if it is closed or too far behind. */
  boolean send(Buffer frame) {
    if (closed) {
      return false;
    }
    if (response.writeQueueFull()) {
      drop();
      return false;
    }
    response.write(frame);
    return true;
  }

  void onClose(Runnable action) {
    response.closeHandler(v -> {
      closed = true;
      action.run();
    });
  }

  boolean isClosed() {
    return closed;
  }

  void drop() {
    closed = true;
    response.reset();
  }
}
