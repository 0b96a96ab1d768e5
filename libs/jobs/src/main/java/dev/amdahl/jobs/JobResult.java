package dev.amdahl.jobs;

import io.vertx.core.json.JsonObject;

/**
 * A finished job's answer: a JSON summary, and for kinds that produce a file (the
 * Mandelbrot PNG) the file's bytes and content type.
 */
public record JobResult(JsonObject summary, byte[] attachment, String contentType) {

  public static JobResult of(JsonObject summary) {
    return new JobResult(summary, null, null);
  }

  public boolean hasAttachment() {
    return attachment != null;
  }
}
