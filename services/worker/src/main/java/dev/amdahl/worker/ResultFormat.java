package dev.amdahl.worker;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;

/**
 * The format of the partial results this worker hands to the grid ({@code AMDAHL_RESULT_FORMAT}).
 *
 * <p>Format 1 is each job kind's own encoding. Format 2 adds a {@code producedBy} object (node
 * and version) to every JSON partial result: a field that format-1 nodes have never seen.
 * During a rolling upgrade both formats meet in one job, and its answer must still be exact;
 * the images built for the upgrade test run format 2. Binary partials (Mandelbrot tiles) are
 * the same in both formats.
 */
final class ResultFormat {
  static final int CURRENT = 1;
  static final int NEXT = 2;

  private final int format;
  private final String node;
  private final String version;

  ResultFormat(int format, String node, String version) {
    this.format = format;
    this.node = node;
    this.version = version;
  }

  /** The partial {@code encoded} by its kind's codec, in this worker's format. */
  byte[] write(byte[] encoded) {
    if (format < NEXT || encoded.length == 0 || encoded[0] != '{') {
      return encoded;
    }
    JsonObject partial;
    try {
      partial = new JsonObject(new String(encoded, StandardCharsets.UTF_8));
    } catch (DecodeException e) {
      return encoded;
    }
    return partial.put("producedBy", new JsonObject().put("node", node).put("version", version).put("format", format))
        .encode().getBytes(StandardCharsets.UTF_8);
  }
}
