package dev.amdahl.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.logging.Logger;

/**
 * Mirrors a node's readiness into a one-line file ({@code AMDAHL_HEALTH_FILE}), so that a
 * container health check needs only the shell: no curl, no wget, no second JVM every few
 * seconds. The line is {@code <STATE> <epoch seconds>}, rewritten on every pulse; a check
 * passes while the state is {@code READY} and the time is recent, so a node that stops
 * pulsing turns unhealthy too.
 */
public final class HealthFile {
  private static final Logger LOG = Logs.logger(HealthFile.class);

  private final Path path;
  private final Path scratch;
  private boolean warned;

  private HealthFile(Path path) {
    this.path = path;
    this.scratch = path == null ? null : path.resolveSibling(path.getFileName() + ".tmp");
  }

  /** The file named by {@code AMDAHL_HEALTH_FILE}, or one that writes nothing when it is unset. */
  public static HealthFile from(Env env) {
    String name = env.string("AMDAHL_HEALTH_FILE", null);
    return new HealthFile(name == null ? null : Path.of(name));
  }

  /** Records {@code state}, or {@code DOWN} when the node is in that state but not able to work. */
  public synchronized void write(NodeState state, boolean ready) {
    if (path == null) {
      return;
    }
    String label = ready ? state.name() : state == NodeState.READY ? "DOWN" : state.name();
    String line = label + " " + System.currentTimeMillis() / 1000 + "\n";
    try {
      // Written aside and renamed, so a check never reads half a line.
      Files.writeString(scratch, line, StandardCharsets.US_ASCII);
      Files.move(scratch, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      warned = false;
    } catch (IOException e) {
      if (!warned) {
        warned = true;
        LOG.warning("cannot write the health file " + path + " (" + e + "); container health checks will fail");
      }
    }
  }
}
