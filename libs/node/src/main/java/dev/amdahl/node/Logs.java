package dev.amdahl.node;

import java.util.logging.Level;
import java.util.logging.Logger;

/** One-line log format for every node; Hazelcast's own chatter only from warnings up. */
public final class Logs {
  // Held so the levels set on them are not lost when unreferenced loggers are collected.
  private static final Logger HAZELCAST = Logger.getLogger("com.hazelcast");
  private static final Logger NETTY = Logger.getLogger("io.netty");
  private static final Logger METER_REGISTRY = Logger.getLogger("io.micrometer.core.instrument.MeterRegistry");

  private Logs() {
  }

  /** Call first thing in {@code main}, before any logger exists. */
  public static void setup() {
    System.setProperty("java.util.logging.SimpleFormatter.format",
        "%1$tF %1$tT.%1$tL %4$-7s [%3$s] %5$s%6$s%n");
    HAZELCAST.setLevel(Level.WARNING);
    NETTY.setLevel(Level.WARNING);
    // vertx-micrometer-metrics finds its gauges by registering them again, which Micrometer
    // warns about (vert-x3/vertx-micrometer-metrics#259); the values are right, so drop that one.
    METER_REGISTRY.setFilter(record -> record.getMessage() == null
        || !record.getMessage().contains("already registered (MeterId{name='vertx."));
  }

  public static Logger logger(Class<?> type) {
    return Logger.getLogger(type.getSimpleName());
  }
}
