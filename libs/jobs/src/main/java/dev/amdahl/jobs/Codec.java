package dev.amdahl.jobs;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/** Turns a partial result into bytes for the grid and back. */
public interface Codec<R> {

  byte[] encode(R value);

  R decode(byte[] bytes);

  /**
   * A codec through JSON, for small results: a newer version may add fields that an
   * older one ignores.
   */
  static <R> Codec<R> json(Function<R, JsonObject> toJson, Function<JsonObject, R> fromJson) {
    return new Codec<>() {
      @Override
      public byte[] encode(R value) {
        return toJson.apply(value).encode().getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public R decode(byte[] bytes) {
        return fromJson.apply(new JsonObject(new String(bytes, StandardCharsets.UTF_8)));
      }
    };
  }
}
