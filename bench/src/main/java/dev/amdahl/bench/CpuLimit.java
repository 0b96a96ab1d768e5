package dev.amdahl.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Caps processes at a fraction of one CPU with a cgroup CPU quota (cgroup v2 {@code cpu.max}
 * or v1 {@code cpu.cfs_quota_us}). Needs write access to the cgroup tree (root on a plain
 * Linux host); {@link #available()} says whether it works here.
 */
final class CpuLimit implements AutoCloseable {
  private static final long PERIOD_US = 100_000;
  private static final Path V2 = Path.of("/sys/fs/cgroup");
  private static final Path V1 = Path.of("/sys/fs/cgroup/cpu");

  private final Path root;
  private final boolean v2;
  private final List<Path> groups = new ArrayList<>();

  private CpuLimit(Path root, boolean v2) {
    this.root = root;
    this.v2 = v2;
  }

  /** A limiter for this host, or null when no writable cgroup CPU controller is found. */
  static CpuLimit probe(String name) {
    removeStale(V2, name);
    removeStale(V1, name);
    CpuLimit v2Limit = tryRoot(V2.resolve(name), Files.exists(V2.resolve("cgroup.controllers")), true);
    if (v2Limit != null) {
      return v2Limit;
    }
    return tryRoot(V1.resolve(name), Files.exists(V1.resolve("cpu.cfs_quota_us")), false);
  }

  private static CpuLimit tryRoot(Path root, boolean present, boolean v2) {
    if (!present) {
      return null;
    }
    try {
      Files.createDirectories(root);
      if (v2) {
        Files.writeString(root.resolve("cgroup.subtree_control"), "+cpu");
      }
      return new CpuLimit(root, v2);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  // Groups left by an earlier run that was killed: named like ours with a pid that is gone.
  private static void removeStale(Path parent, String name) {
    String prefix = name.substring(0, name.lastIndexOf('-') + 1);
    try (var groups = Files.list(parent)) {
      groups.filter(g -> g.getFileName().toString().startsWith(prefix))
          .filter(g -> ProcessHandle.of(Long.parseLong(g.getFileName().toString().substring(prefix.length()))).isEmpty())
          .forEach(CpuLimit::removeGroup);
    } catch (IOException | RuntimeException ignored) {
      // nothing to clean, or not ours to clean
    }
  }

  private static void removeGroup(Path group) {
    try (var children = Files.list(group)) {
      children.filter(Files::isDirectory).forEach(child -> child.toFile().delete());
    } catch (IOException ignored) {
      // removed below if empty
    }
    group.toFile().delete();
  }

  String describe() {
    return (v2 ? "cgroup v2 cpu.max" : "cgroup v1 cpu.cfs_quota_us") + ", period " + PERIOD_US / 1000 + " ms";
  }

  /** Moves process {@code pid} into its own group capped at {@code cpus} CPUs. */
  void limit(String name, long pid, double cpus) {
    Path group = root.resolve(name);
    long quota = Math.round(cpus * PERIOD_US);
    try {
      Files.createDirectories(group);
      if (v2) {
        Files.writeString(group.resolve("cpu.max"), quota + " " + PERIOD_US);
      } else {
        Files.writeString(group.resolve("cpu.cfs_period_us"), Long.toString(PERIOD_US));
        Files.writeString(group.resolve("cpu.cfs_quota_us"), Long.toString(quota));
      }
      Files.writeString(group.resolve("cgroup.procs"), Long.toString(pid));
      groups.add(group);
    } catch (IOException e) {
      throw new IllegalStateException("cannot cap " + name + " (pid " + pid + ") at " + cpus + " CPU in " + group + ": " + e.getMessage());
    }
  }

  /** Removes the groups; call after their processes have exited. */
  @Override
  public void close() {
    for (Path group : groups) {
      try {
        Files.deleteIfExists(group);
      } catch (IOException ignored) {
        // a group with a process still in it stays; the next run reuses or removes it
      }
    }
    try {
      Files.deleteIfExists(root);
    } catch (IOException ignored) {
      // as above
    }
  }
}
