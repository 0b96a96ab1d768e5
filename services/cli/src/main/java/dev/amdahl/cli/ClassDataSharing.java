package dev.amdahl.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Class data sharing (AppCDS) for the nodes' JVMs: a node starts from an archive of the
 * classes it loaded in a training run, already parsed and verified, instead of reading and
 * verifying thousands of classes from its jar. That halves the CPU a starting node takes
 * (about 4.5 s to 2.3 s for a worker here), and on a busy machine it is CPU the running
 * workers keep: a new worker's first task and a rolling upgrade's throughput depend on it.
 *
 * <p>The training run is the node on its own: it starts, finds no cluster (a worker or a
 * coordinator then exits; a grid member is stopped after a while) and the JVM writes the
 * archive as it exits ({@code -XX:ArchiveClassesAtExit}). Archives live in one folder, one per
 * service, jar build and JVM. A node whose archive is missing or unusable starts as usual.
 * The Docker images do the same when they are built (deploy/Dockerfile).
 */
final class ClassDataSharing {
  /** How long a training node runs on its own before it is stopped (a grid member does not stop by itself). */
  private static final long ALONE_SECONDS = 12;

  private final Path dir;

  ClassDataSharing(Path dir) {
    this.dir = dir;
  }

  /** Flags that start {@code service} from its archive, when there is one. */
  List<String> flags(String service, Path jar) {
    Path archive = archive(service, jar);
    return Files.isRegularFile(archive) ? List.of("-XX:SharedArchiveFile=" + archive) : List.of();
  }

  /**
   * Trains the missing archives, every service at once.
   *
   * @param jars    each service's jar
   * @param command the java command that runs these extra JVM flags and then the arguments after them
   * @return the services trained now
   */
  List<String> prepare(Map<String, Path> jars, Function<List<String>, List<String>> command) {
    List<Training> trainings = new ArrayList<>();
    jars.forEach((service, jar) -> {
      if (!Files.isRegularFile(archive(service, jar))) {
        trainings.add(start(service, jar, command));
      }
    });
    trainings.forEach(Training::finish);
    return trainings.stream().map(Training::service).toList();
  }

  private Path archive(String service, Path jar) {
    try {
      String build = Files.size(jar) + "/" + Files.getLastModifiedTime(jar).toMillis() + "/" + System.getProperty("java.vm.version");
      return dir.resolve(service + "-" + HexFormat.of().toHexDigits(build.hashCode()) + ".jsa");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + jar, e);
    }
  }

  private record Training(String service, Process process, Path written, Path archive) {
    void finish() {
      try {
        if (!process.waitFor(ALONE_SECONDS, TimeUnit.SECONDS)) {
          process.destroy(); // SIGTERM: the node leaves, the JVM exits and writes the archive
          if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
          }
        }
        if (Files.isRegularFile(written) && Files.size(written) > 0) {
          Files.move(written, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          removeOthers();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      } catch (IOException e) {
        // No archive: the node starts without one.
      } finally {
        try {
          Files.deleteIfExists(written);
        } catch (IOException ignored) {
          // a leftover temporary file is harmless
        }
      }
    }

    /** Archives of older builds of this service. */
    private void removeOthers() throws IOException {
      try (Stream<Path> files = Files.list(archive.getParent())) {
        for (Path other : files.filter(f -> f.getFileName().toString().startsWith(service + "-") && !f.equals(archive)).toList()) {
          Files.deleteIfExists(other);
        }
      }
    }
  }

  private Training start(String service, Path jar, Function<List<String>, List<String>> command) {
    try {
      Files.createDirectories(dir);
      Path archive = archive(service, jar);
      Path written = dir.resolve(archive.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
      ProcessBuilder builder = new ProcessBuilder(command.apply(List.of(
          "-Xlog:cds*=off", "-XX:ArchiveClassesAtExit=" + written, "-jar", jar.toString())))
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve(service + "-training.log").toFile());
      // On its own: a cluster name and seed no node has.
      builder.environment().putAll(Map.of(
          "AMDAHL_CLUSTER", "amdahl-cds-training-" + Long.toHexString(ThreadLocalRandom.current().nextLong()),
          "AMDAHL_HOST", "127.0.0.1",
          "AMDAHL_SEEDS", "127.0.0.1:" + LocalCluster.freePort(),
          "AMDAHL_HZ_PORT", Integer.toString(LocalCluster.freePort()),
          "AMDAHL_HTTP_PORT", "0",
          "AMDAHL_API_PORT", Integer.toString(LocalCluster.freePort()),
          "AMDAHL_TOKEN", Long.toHexString(ThreadLocalRandom.current().nextLong())));
      return new Training(service, builder.start(), written, archive);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the class data sharing training of " + service, e);
    }
  }
}
