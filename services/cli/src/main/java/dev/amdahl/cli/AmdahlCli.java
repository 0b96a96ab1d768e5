package dev.amdahl.cli;

import io.vertx.core.json.JsonObject;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** {@code ./amdahl}: run a local cluster, submit jobs, run the demo. */
public final class AmdahlCli {
  private static final String USAGE = """
      usage: ./amdahl COMMAND [OPTIONS]

        local [--workers N] [--port P]      run a cluster on this machine (1 grid member, a coordinator,
                                            N workers, default 3) until Ctrl-C
        submit KIND [--param k=v ...] [--tasks N] [--max-attempts N] [--deadline S] [--task-timeout S]
               [--wait] [--url URL] [--token T]
                                            submit a job to URL (default $AMDAHL_URL, else http://localhost:8080)
                                            with the API token T (default $AMDAHL_TOKEN)
                                            KIND: primes {from,to} | pi {samples,seed}
                                                  | mandelbrot {width,height,maxIterations,centerX,centerY,scale}
                                                  | sleep {tasks,millis} | spin {tasks,iterations}
        demo                                a local cluster, a demo job with its result, the dashboard left running
        bench [--quick] [--only PART,...] [--warm-up SECONDS] [--out DIR]
                                            the benchmark suite, or some of its parts (noop, efficiency,
                                            upgrade, scaling), after warming the cluster up (--warm-up sets
                                            how long); writes bench-results/latest.json and PNG charts
      """;

  private AmdahlCli() {
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs one command; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
      out.print(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
    try {
      return switch (args[0]) {
        case "local" -> local(new Options(rest), out, false);
        case "demo" -> local(new Options(rest), out, true);
        case "submit" -> submit(new Options(rest), out, err);
        default -> throw new UsageException("unknown command '" + args[0] + "'");
      };
    } catch (UsageException e) {
      err.println("amdahl: " + e.getMessage());
      err.print(USAGE);
      return 2;
    } catch (ApiClient.ApiException | IllegalStateException e) {
      err.println("amdahl: " + e.getMessage());
      return 1;
    }
  }

  private static int submit(Options options, PrintStream out, PrintStream err) {
    String url = options.option("--url");
    String token = options.option("--token");
    return new Submit(url == null ? apiUrl() : url, token == null ? System.getenv("AMDAHL_TOKEN") : token, out, err).run(options);
  }

  private static String apiUrl() {
    String url = System.getenv("AMDAHL_URL");
    return url == null || url.isBlank() ? "http://localhost:8080" : url;
  }

  private static int local(Options options, PrintStream out, boolean demo) {
    int workers = options.intOption("--workers", 3, 0, 64);
    int port = options.intOption("--port", 8080, 1, 65535);
    options.requireEmpty();
    Path home = Path.of(System.getenv().getOrDefault("AMDAHL_HOME", ".")).toAbsolutePath().normalize();
    Path logs = home.resolve(".amdahl").resolve("logs");
    LocalControl control = LocalControl.open();
    LocalCluster cluster = new LocalCluster(Launcher.jars(home),
        new LocalCluster.Options(workers, 1, port, "amdahl-local-" + port, logs, control.env()));
    control.control(cluster);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      out.println("\nstopping every node ...");
      control.close();
      cluster.close();
      stopped.countDown();
    }, "amdahl-local-stop"));
    out.println("starting 1 grid member, a coordinator and " + workers + " workers (logs in " + logs + ") ...");
    cluster.start();
    String url = "http://localhost:" + port;
    out.println("Amdahl is running: " + url);
    out.println("  dashboard  " + url + "/?token=" + cluster.token());
    out.println("             (add, stop, kill and roll workers from the page)");
    out.println("  API        " + url + "/api/jobs, " + url + "/api/cluster  (Authorization: Bearer " + cluster.token() + ")");
    out.println("  submit     export AMDAHL_TOKEN=" + cluster.token() + "; ./amdahl submit pi --param samples=100000000 --wait");
    if (demo) {
      out.println("demo job: count the primes up to 50,000,000 (the answer is 3,001,134)");
      new Submit(url, cluster.token(), out, System.err).run(new Options(new ArrayList<>(List.of(
          "primes", "--param", "from=1", "--param", "to=50000000", "--tasks", "64", "--wait"))));
      out.println("the cluster keeps running; the dashboard shows it at " + url + "/?token=" + cluster.token());
    }
    out.println("Ctrl-C stops it.");
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** A command line's options, consumed as they are read. */
  static final class Options {
    private final List<String> args;

    Options(List<String> args) {
      this.args = args;
    }

    int intOption(String name, int fallback, int min, int max) {
      String value = option(name);
      if (value == null) {
        return fallback;
      }
      try {
        int parsed = Integer.parseInt(value);
        if (parsed < min || parsed > max) {
          throw new UsageException(name + " must be between " + min + " and " + max);
        }
        return parsed;
      } catch (NumberFormatException e) {
        throw new UsageException(name + " needs a whole number, not '" + value + "'");
      }
    }

    String option(String name) {
      int at = args.indexOf(name);
      if (at < 0) {
        return null;
      }
      if (at + 1 >= args.size()) {
        throw new UsageException(name + " needs a value");
      }
      String value = args.get(at + 1);
      args.subList(at, at + 2).clear();
      return value;
    }

    List<String> options(String name) {
      List<String> values = new ArrayList<>();
      for (String value = option(name); value != null; value = option(name)) {
        values.add(value);
      }
      return values;
    }

    boolean flag(String name) {
      return args.remove(name);
    }

    String positional(String what) {
      if (args.isEmpty() || args.get(0).startsWith("--")) {
        throw new UsageException(what + " is required");
      }
      return args.remove(0);
    }

    void requireEmpty() {
      if (!args.isEmpty()) {
        throw new UsageException("unexpected argument '" + args.get(0) + "'");
      }
    }
  }

  /** A mistake on the command line. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  static JsonObject paramsOf(List<String> pairs) {
    JsonObject params = new JsonObject();
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new UsageException("--param needs key=value, not '" + pair + "'");
      }
      params.put(pair.substring(0, eq), value(pair.substring(eq + 1)));
    }
    return params;
  }

  private static Object value(String raw) {
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException notLong) {
      try {
        return Double.parseDouble(raw);
      } catch (NumberFormatException notDouble) {
        return raw;
      }
    }
  }

  static void write(Path path, byte[] bytes) {
    try {
      Files.write(path, bytes);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot write " + path + ": " + e.getMessage());
    }
  }
}
