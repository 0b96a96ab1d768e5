package dev.amdahl.jobs;

import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Set;

/**
 * Reads and checks a kind's params: required and unknown fields, types and ranges. Every
 * failure is a {@link SpecException} naming the field as the client wrote it
 * ({@code params.from}) and the rule it breaks.
 */
public final class Params {
  private final JsonObject in;
  private final JsonObject out = new JsonObject();

  private Params(JsonObject in) {
    this.in = in;
  }

  /** Starts reading {@code params}, rejecting any field not in {@code allowed}. */
  public static Params of(JsonObject params, Set<String> allowed) {
    JsonObject in = params == null ? new JsonObject() : params;
    for (String name : in.fieldNames()) {
      if (!allowed.contains(name)) {
        throw new SpecException(field(name), "unknown field; allowed: " + String.join(", ", allowed.stream().sorted().toList()));
      }
    }
    return new Params(in);
  }

  /** A whole number in [min, max]; {@code fallback} when absent, or required when it is null. */
  public long longValue(String name, Long fallback, long min, long max) {
    Object raw = in.getValue(name);
    long value;
    if (raw == null) {
      if (fallback == null) {
        throw new SpecException(field(name), "required");
      }
      value = fallback;
    } else {
      value = wholeNumber(name, raw);
    }
    if (value < min || value > max) {
      throw new SpecException(field(name), "must be between " + min + " and " + max);
    }
    out.put(name, value);
    return value;
  }

  /** An int in [min, max]; {@code fallback} when absent, or required when it is null. */
  public int intValue(String name, Integer fallback, int min, int max) {
    long value = longValue(name, fallback == null ? null : (long) fallback, min, max);
    out.put(name, (int) value);
    return (int) value;
  }

  /** A finite number in [min, max]; {@code fallback} when absent, or required when it is null. */
  public double doubleValue(String name, Double fallback, double min, double max) {
    Object raw = in.getValue(name);
    double value;
    if (raw == null) {
      if (fallback == null) {
        throw new SpecException(field(name), "required");
      }
      value = fallback;
    } else if (raw instanceof Number number) {
      value = number.doubleValue();
    } else {
      throw new SpecException(field(name), "must be a number");
    }
    if (!Double.isFinite(value) || value < min || value > max) {
      throw new SpecException(field(name), "must be a finite number between " + min + " and " + max);
    }
    out.put(name, value);
    return value;
  }

  /** The params read so far, with defaults filled in. */
  public JsonObject normalized() {
    return out;
  }

  private static long wholeNumber(String name, Object raw) {
    if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
      return ((Number) raw).longValue();
    }
    if (raw instanceof BigInteger big) {
      if (big.bitLength() < 64) {
        return big.longValue();
      }
      throw new SpecException(field(name), "must be a whole number that fits in 64 bits");
    }
    if ((raw instanceof Double || raw instanceof Float) && !Double.isFinite(((Number) raw).doubleValue())) {
      throw new SpecException(field(name), "must be a whole number, not " + raw);
    }
    if (raw instanceof Double || raw instanceof Float || raw instanceof BigDecimal) {
      BigDecimal decimal = new BigDecimal(raw.toString());
      try {
        return decimal.longValueExact();
      } catch (ArithmeticException e) {
        throw new SpecException(field(name), "must be a whole number");
      }
    }
    throw new SpecException(field(name), "must be a whole number");
  }

  private static String field(String name) {
    return "params." + name;
  }
}
