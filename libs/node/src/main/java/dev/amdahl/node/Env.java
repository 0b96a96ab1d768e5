package dev.amdahl.node;

import java.util.Map;

/**
 * Reads configuration from environment variables, once, with defaults; a bad value stops
 * the node at start-up with a message naming the variable.
 */
public final class Env {
  private final Map<String, String> vars;

  public Env(Map<String, String> vars) {
    this.vars = vars;
  }

  public static Env system() {
    return new Env(System.getenv());
  }

  public String string(String name, String fallback) {
    String value = vars.get(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  public int integer(String name, int fallback, int min, int max) {
    long value = longValue(name, fallback, min, max);
    return (int) value;
  }

  public long longValue(String name, long fallback, long min, long max) {
    String raw = string(name, null);
    if (raw == null) {
      return fallback;
    }
    long value;
    try {
      value = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "='" + raw + "' is not a whole number");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + "=" + value + " must be between " + min + " and " + max);
    }
    return value;
  }

  public double decimal(String name, double fallback, double min, double max) {
    String raw = string(name, null);
    if (raw == null) {
      return fallback;
    }
    double value;
    try {
      value = Double.parseDouble(raw);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "='" + raw + "' is not a number");
    }
    if (!(value >= min && value <= max)) {
      throw new IllegalArgumentException(name + "=" + raw + " must be between " + min + " and " + max);
    }
    return value;
  }

  public boolean flag(String name, boolean fallback) {
    String raw = string(name, null);
    if (raw == null) {
      return fallback;
    }
    return switch (raw.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new IllegalArgumentException(name + "='" + raw + "' must be true or false");
    };
  }
}
