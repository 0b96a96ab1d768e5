package dev.amdahl.it;

import dev.amdahl.cli.ApiClient;
import dev.amdahl.cli.Launcher;
import dev.amdahl.cli.LocalCluster;
import dev.amdahl.jobs.JobSpec;
import dev.amdahl.jobs.SingleProcess;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built jars, as {@code ./amdahl local} and the bench run them: class data sharing
 * archives are made once per build by training runs, every node then starts from its archive
 * (which the JVM accepts even when told to refuse to start without it), and a cluster of such
 * nodes computes exact answers.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClassDataSharingIT {
  private static final JsonObject PI = new JsonObject().put("samples", 5_000_000L).put("seed", 11);

  @Test
  void nodesStartFromTheirArchivesAndComputeExactAnswers(@TempDir Path home) throws Exception {
    // A project home whose services/*/target are this build's (the jars find their lib/ there).
    Path project = Path.of(System.getProperty("amdahl.home", "../..")).toAbsolutePath().normalize();
    for (String service : List.of("grid", "coordinator", "worker")) {
      Path target = project.resolve("services").resolve(service).resolve("target");
      assertTrue(Files.isRegularFile(target.resolve("amdahl-" + service + ".jar")), "the build made the " + service + " jar");
      Files.createDirectories(home.resolve("services").resolve(service));
      Files.createSymbolicLink(home.resolve("services").resolve(service).resolve("target"), target);
    }
    Launcher launcher = Launcher.jars(home);
    assertNull(archiveFlag(launcher.command("worker")), "no archive before the training");

    String made = launcher.prepare();
    assertNotNull(made, "the first start trains");
    assertTrue(made.contains("grid") && made.contains("coordinator") && made.contains("worker"), made);
    assertNull(launcher.prepare(), "once per build: nothing to do the second time");
    for (String service : List.of("grid", "coordinator", "worker")) {
      String archive = archiveFlag(launcher.command(service));
      assertNotNull(archive, service + " starts from an archive: " + launcher.command(service));
      assertTrue(Files.size(Path.of(archive)) > 1_000_000, service + "'s archive holds classes: " + archive);
    }
    assertTheJvmAcceptsTheArchive(launcher, home);

    try (LocalCluster cluster = new LocalCluster(launcher,
        new LocalCluster.Options(1, 1, 0, "it-cds-" + ProcessHandle.current().pid(), home.resolve("logs"), Map.of()))) {
      cluster.start();
      ApiClient api = new ApiClient(cluster.url(), cluster.token());
      String id = api.submit(new JsonObject().put("kind", "pi").put("params", PI).put("tasks", 8));
      JsonObject job = Await.value("the pi job", Duration.ofMinutes(2), () -> {
        JsonObject now = api.job(id, 10);
        return "RUNNING".equals(now.getString("state")) || "QUEUED".equals(now.getString("state")) ? null : now;
      });
      assertEquals("SUCCEEDED", job.getString("state"), job.encode());
      assertEquals(SingleProcess.run(JobSpec.parse(new JsonObject().put("kind", "pi").put("params", PI).put("tasks", 8))).summary(),
          job.getJsonObject("result"));
      for (Path log : List.of(cluster.workers().get(0).log(), home.resolve("logs").resolve("grid-1.log"))) {
        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertFalse(text.contains("[cds]"), "no class data sharing complaint in " + log + ":\n" + text);
      }
    }
  }

  /** With -Xshare:on the JVM exits at once if it cannot use the archive; the worker instead runs until it finds no grid. */
  private static void assertTheJvmAcceptsTheArchive(Launcher launcher, Path home) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(launcher.command("worker"));
    command.add(1, "-Xshare:on");
    Path log = home.resolve("xshare-on.log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(Map.of("AMDAHL_CLUSTER", "it-cds-alone", "AMDAHL_SEEDS", "127.0.0.1:1",
        "AMDAHL_HOST", "127.0.0.1", "AMDAHL_HTTP_PORT", "0"));
    Process process = builder.start();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the lone worker gives up on the grid");
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(2, process.exitValue(), "exit 2 (no grid member), not a JVM that refused the archive:\n" + output);
    assertTrue(output.contains("found no grid member"), output);
  }

  private static String archiveFlag(List<String> command) {
    return command.stream().filter(arg -> arg.startsWith("-XX:SharedArchiveFile=")).findFirst()
        .map(arg -> arg.substring("-XX:SharedArchiveFile=".length())).orElse(null);
  }
}
