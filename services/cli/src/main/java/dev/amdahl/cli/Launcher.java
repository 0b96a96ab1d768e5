package dev.amdahl.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** How to start a node as a JVM process: from the built jars, or from this JVM's class path. */
public interface Launcher {

  /**
   * JVM flags every node gets: sized for a small machine shared by many nodes, and for a JIT
   * that takes as little of the tasks' CPU as it can (the images use the same JIT flags,
   * deploy/Dockerfile):
   * <ul>
   *   <li>{@code CompileThresholdScaling=4}: a method is compiled after four times the usual
   *       calls. Most of a node's code is lukewarm (start-up, heartbeats, a pulse a second)
   *       and compiling it cost more CPU than running it: a worker's start took about a
   *       quarter less CPU, and an idle node's compiler a third of its CPU.</li>
   *   <li>no inlining of a kind's task code into the worker's ({@code JobKind::execute*}):
   *       inlined, the worker's task path was one compilation with every kind it had seen,
   *       thrown away and compiled again (0.3 to 0.8 s of CPU each time) whenever a job of
   *       another kind or shape came along.</li>
   *   <li>{@code UseCountedLoopSafepoints} and {@code LoopStripMiningIter=1000}: a safepoint
   *       poll every thousand iterations of a counted loop. The serial collector leaves them
   *       out (G1 puts them in), so a task in a tight loop, as CPU-bound tasks are, held up
   *       every safepoint of its worker (a garbage collection, the JIT's housekeeping once a
   *       second) until the loop ended: each time, the worker's other task threads, its result
   *       writer and its Hazelcast I/O stood still for up to a whole task, 100 ms and more,
   *       with the cores idle. With the polls the longest wait for a safepoint was 6 ms.</li>
   *   <li>{@code -UsePerfData}: no hsperfdata counters, which the JVM samples twenty times a
   *       second on a thread of its own in every node, idle or not (about 0.8 ms of CPU a
   *       second per node here). {@code jcmd PID} still works; {@code jps} does not list the
   *       nodes.</li>
   * </ul>
   */
  List<String> JVM_FLAGS = List.of(
      "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-Xss512k", "-XX:TieredStopAtLevel=4",
      "-XX:CompileThresholdScaling=4", "-XX:+UseCountedLoopSafepoints", "-XX:LoopStripMiningIter=1000",
      "-XX:-UsePerfData", "-XX:CompileCommand=quiet", "-XX:CompileCommand=dontinline,dev.amdahl.jobs.JobKind::execute*",
      "-Djava.awt.headless=true", "-Djava.net.preferIPv4Stack=true",
      "--add-modules", "java.se",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  /** The command that starts {@code service} (grid, coordinator or worker). */
  List<String> command(String service);

  /** Gets ready to start nodes quickly; returns what it did, for the user, or null when nothing. */
  default String prepare() {
    return null;
  }

  /**
   * Runs the jars under {@code services/<name>/target} of the project at {@code home}, each
   * from its class data sharing archive in {@code .amdahl/cds} ({@link ClassDataSharing}).
   */
  static Launcher jars(Path home) {
    ClassDataSharing sharing = new ClassDataSharing(home.resolve(".amdahl").resolve("cds"));
    return new Launcher() {
      @Override
      public List<String> command(String service) {
        Path jar = jar(home, service);
        List<String> target = new ArrayList<>(sharing.flags(service, jar));
        target.addAll(List.of("-jar", jar.toString()));
        return java(target);
      }

      @Override
      public String prepare() {
        Map<String, Path> jars = new LinkedHashMap<>();
        for (String service : List.of("grid", "coordinator", "worker")) {
          jars.put(service, jar(home, service));
        }
        List<String> trained = sharing.prepare(jars, Launcher::java);
        return trained.isEmpty() ? null : "made class data sharing archives for " + String.join(", ", trained)
            + " (once per build; nodes start in half the CPU)";
      }
    };
  }

  private static Path jar(Path home, String service) {
    Path jar = home.resolve("services").resolve(service).resolve("target").resolve("amdahl-" + service + ".jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build it with ./mvnw -DskipTests package");
    }
    return jar;
  }

  /**
   * Runs the main classes from this JVM's class path (tests). A service jar on it is swapped
   * for its classes folder: the jar's manifest would add its {@code lib/} copies of every
   * dependency a second time.
   */
  static Launcher classPath() {
    String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(entry -> entry.matches(".*[/\\\\]target[/\\\\]amdahl-[a-z]+\\.jar")
            ? Path.of(entry).resolveSibling("classes").toString()
            : entry)
        .collect(Collectors.joining(File.pathSeparator));
    return service -> java(List.of("-cp", classPath, mainClass(service)));
  }

  private static String mainClass(String service) {
    return switch (service) {
      case "grid" -> "dev.amdahl.grid.GridMain";
      case "coordinator" -> "dev.amdahl.coordinator.CoordinatorMain";
      case "worker" -> "dev.amdahl.worker.WorkerMain";
      default -> throw new IllegalArgumentException("no service named " + service);
    };
  }

  private static List<String> java(List<String> target) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_FLAGS);
    command.addAll(target);
    return command;
  }
}
