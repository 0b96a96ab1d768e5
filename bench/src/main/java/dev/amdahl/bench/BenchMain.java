package dev.amdahl.bench;

import java.nio.file.Path;
import java.util.List;

/** {@code ./amdahl bench [--quick] [--out DIR]}: runs the suite and writes DIR/latest.json and PNG charts. */
public final class BenchMain {
  private BenchMain() {
  }

  public static void main(String[] args) throws Exception {
    List<String> rest = List.of(args);
    boolean quick = rest.contains("--quick");
    Path home = Path.of(System.getenv().getOrDefault("AMDAHL_HOME", ".")).toAbsolutePath().normalize();
    int outAt = rest.indexOf("--out");
    Path out = outAt >= 0 && outAt + 1 < rest.size() ? Path.of(rest.get(outAt + 1)) : home.resolve("bench-results");
    for (String arg : rest) {
      if (arg.startsWith("--") && !arg.equals("--quick") && !arg.equals("--out")) {
        System.err.println("amdahl bench: unknown option " + arg + "\nusage: ./amdahl bench [--quick] [--out DIR]");
        System.exit(2);
      }
    }
    try {
      new Bench(quick, home, out, System.out).run();
    } catch (IllegalStateException e) {
      System.err.println("amdahl bench: " + e.getMessage());
      System.exit(1);
    }
    System.out.println("results: " + out.resolve("latest.json") + " (charts beside it)");
    System.exit(0);
  }
}
