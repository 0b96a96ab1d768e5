package dev.amdahl.bench;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code ./amdahl bench [--quick] [--only PART,...] [--warm-up SECONDS] [--out DIR]}: runs the
 * suite (or some of its parts) and writes DIR/latest.json and PNG charts.
 */
public final class BenchMain {
  static final String USAGE = "usage: ./amdahl bench [--quick] [--only " + String.join(",", Bench.PARTS)
      + "] [--warm-up SECONDS] [--out DIR]";

  private BenchMain() {
  }

  /**
   * What the command line asks for.
   *
   * @param warmUpSeconds how long the cluster of the no-op and efficiency parts runs jobs before
   *     they are measured ({@link Bench#WARM_UP_SECONDS}, or {@link Bench#QUICK_WARM_UP_SECONDS}
   *     with {@code --quick}, unless {@code --warm-up} says)
   */
  record Options(boolean quick, Set<String> only, int warmUpSeconds, Path out) {
  }

  /** Reads the command line; a mistake in it is an {@link IllegalArgumentException} that says which. */
  static Options parse(List<String> args, Path home) {
    boolean quick = args.contains("--quick");
    Path out = home.resolve("bench-results");
    Set<String> only = new LinkedHashSet<>(Bench.PARTS);
    int warmUpSeconds = quick ? Bench.QUICK_WARM_UP_SECONDS : Bench.WARM_UP_SECONDS;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      boolean valued = arg.equals("--out") || arg.equals("--only") || arg.equals("--warm-up");
      if (valued && i + 1 >= args.size()) {
        throw new IllegalArgumentException(arg + " needs a value");
      }
      if (arg.equals("--out")) {
        out = Path.of(args.get(++i));
      } else if (arg.equals("--only")) {
        only.clear();
        for (String given : args.get(++i).split(",")) {
          String part = given.trim();
          if (!Bench.PARTS.contains(part)) {
            throw new IllegalArgumentException("--only: unknown part '" + part + "' (parts: "
                + String.join(", ", Bench.PARTS) + ")");
          }
          only.add(part);
        }
      } else if (arg.equals("--warm-up")) {
        warmUpSeconds = seconds(args.get(++i));
      } else if (!arg.equals("--quick")) {
        throw new IllegalArgumentException("unknown option " + arg);
      }
    }
    return new Options(quick, Set.copyOf(only), warmUpSeconds, out);
  }

  private static int seconds(String given) {
    int seconds;
    try {
      seconds = Integer.parseInt(given);
    } catch (NumberFormatException e) {
      seconds = -1;
    }
    if (seconds < 0 || seconds > Bench.MAX_WARM_UP_SECONDS) {
      throw new IllegalArgumentException("--warm-up: '" + given + "' is not a whole number of seconds from 0 to "
          + Bench.MAX_WARM_UP_SECONDS);
    }
    return seconds;
  }

  public static void main(String[] args) throws Exception {
    Path home = Path.of(System.getenv().getOrDefault("AMDAHL_HOME", ".")).toAbsolutePath().normalize();
    Options options;
    try {
      options = parse(List.of(args), home);
    } catch (IllegalArgumentException e) {
      System.err.println("amdahl bench: " + e.getMessage() + "\n" + USAGE);
      System.exit(2);
      return;
    }
    try {
      new Bench(options.quick(), options.only(), options.warmUpSeconds(), home, options.out(), System.out).run();
    } catch (IllegalStateException e) {
      System.err.println("amdahl bench: " + e.getMessage());
      System.exit(1);
    }
    System.out.println("results: " + options.out().resolve("latest.json") + " (charts beside it)");
    System.exit(0);
  }
}
