package dev.amdahl.bench;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code ./amdahl bench [--quick] [--only PART,...] [--out DIR]}: runs the suite (or some of its
 * parts) and writes DIR/latest.json and PNG charts.
 */
public final class BenchMain {
  private BenchMain() {
  }

  public static void main(String[] args) throws Exception {
    List<String> rest = List.of(args);
    boolean quick = rest.contains("--quick");
    Path home = Path.of(System.getenv().getOrDefault("AMDAHL_HOME", ".")).toAbsolutePath().normalize();
    String usage = "usage: ./amdahl bench [--quick] [--only " + String.join(",", Bench.PARTS) + "] [--out DIR]";
    Path out = home.resolve("bench-results");
    Set<String> only = new LinkedHashSet<>(Bench.PARTS);
    for (int i = 0; i < rest.size(); i++) {
      String arg = rest.get(i);
      boolean valued = arg.equals("--out") || arg.equals("--only");
      if (valued && i + 1 >= rest.size()) {
        fail(arg + " needs a value\n" + usage);
      }
      if (arg.equals("--out")) {
        out = Path.of(rest.get(++i));
      } else if (arg.equals("--only")) {
        only.clear();
        for (String given : rest.get(++i).split(",")) {
          String part = given.trim();
          if (!Bench.PARTS.contains(part)) {
            fail("--only: unknown part '" + part + "' (parts: " + String.join(", ", Bench.PARTS) + ")\n" + usage);
          }
          only.add(part);
        }
      } else if (!arg.equals("--quick")) {
        fail("unknown option " + arg + "\n" + usage);
      }
    }
    try {
      new Bench(quick, only, home, out, System.out).run();
    } catch (IllegalStateException e) {
      System.err.println("amdahl bench: " + e.getMessage());
      System.exit(1);
    }
    System.out.println("results: " + out.resolve("latest.json") + " (charts beside it)");
    System.exit(0);
  }

  private static void fail(String message) {
    System.err.println("amdahl bench: " + message);
    System.exit(2);
  }
}
