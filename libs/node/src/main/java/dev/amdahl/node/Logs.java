package dev.amdahl.node;

import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/** One-line log format for every node; Hazelcast's own chatter only from warnings up. */
public final class Logs {
  static {
    // Before the first logger below makes the JDK pick its LogManager.
    if (System.getProperty("java.util.logging.manager") == null) {
      System.setProperty("java.util.logging.manager", ShutdownAwareLogManager.class.getName());
    }
  }

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

  /**
   * Closes the log handlers; call it as the last thing a shutdown hook does. Until then the
   * lines the hook writes (draining, handing back, leaving) still reach the log.
   */
  public static void closeAtExit() {
    if (LogManager.getLogManager() instanceof ShutdownAwareLogManager manager) {
      manager.resetAtExit();
    }
  }

  /**
   * The JDK resets logging from its own shutdown hook, which runs alongside ours, so the lines
   * our hook writes while a node drains and leaves were lost. This manager ignores a reset
   * once the JVM is shutting down; {@link #closeAtExit} does it when the hook is done.
   */
  public static final class ShutdownAwareLogManager extends LogManager {
    @Override
    public void reset() {
      if (!shuttingDown()) {
        super.reset();
      }
    }

    void resetAtExit() {
      super.reset();
    }

    private static boolean shuttingDown() {
      try {
        Thread probe = new Thread(() -> { });
        Runtime.getRuntime().addShutdownHook(probe);
        Runtime.getRuntime().removeShutdownHook(probe);
        return false;
      } catch (IllegalStateException e) {
        return true;
      }
    }
  }

  public static Logger logger(Class<?> type) {
    return Logger.getLogger(type.getSimpleName());
  }
}
