package dev.amdahl.observability;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** Finds Prometheus' binaries and runs promtool, bounded in time. */
final class PromTools {
  static final String INSTALL_HINT = "install Prometheus and promtool with `apt-get install -y --no-install-recommends prometheus` "
      + "(Debian; .ci/run does this)";

  /** What a command printed (stdout and stderr together) and how it exited. */
  record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  private PromTools() {
  }

  /** The project's root directory. */
  static Path home() {
    return Path.of(System.getProperty("amdahl.home", "../..")).toAbsolutePath().normalize();
  }

  static Path deploy(String relative) {
    return home().resolve("deploy").resolve(relative);
  }

  /** The executable {@code name} on the PATH; fails the test, saying how to install it, if there is none. */
  static Path require(String name) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return fail("`" + name + "` is not on the PATH (" + path + "): this test needs the real binary; " + INSTALL_HINT);
  }

  static Result promtool(Path workDir, String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(require("promtool").toString());
    command.addAll(List.of(args));
    return run(command, workDir, stdin, Duration.ofSeconds(60));
  }

  /** Runs {@code command} in {@code workDir}, feeding it {@code stdin}; kills it if it outlives {@code timeout}. */
  static Result run(List<String> command, Path workDir, String stdin, Duration timeout) {
    try {
      Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
      CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
        try {
          return process.getInputStream().readAllBytes();
        } catch (IOException e) {
          return new byte[0];
        }
      });
      try (OutputStream in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        return fail(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
      }
      return new Result(process.exitValue(), new String(output.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return fail("could not run " + String.join(" ", command) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted while running " + command.get(0));
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return fail("could not read the output of " + String.join(" ", command) + ": " + e);
    }
  }
}
