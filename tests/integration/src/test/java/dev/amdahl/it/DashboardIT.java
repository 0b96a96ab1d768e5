package dev.amdahl.it;

import dev.amdahl.cli.ApiClient;
import dev.amdahl.cli.Launcher;
import dev.amdahl.cli.LocalCluster;
import dev.amdahl.cli.LocalControl;
import dev.amdahl.cli.NodeProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The dashboard in a real browser (headless Chromium driven through Debian's chromedriver)
 * against a real local cluster with its controls: the page lists the nodes, follows a job to
 * the end while a worker is killed under it, draws a Mandelbrot job tile by tile, and rolls
 * the workers to a new version; the browser's console stays free of errors throughout.
 * Screenshots at 1280x800 and at phone size go to {@code target/it-output/dashboard}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration NODE_START = Duration.ofSeconds(150);
  private static final Pattern SUBMITTED = Pattern.compile("Submitted job ([a-z0-9-]+)");

  private Path output;
  private Path profile;
  private LocalControl control;
  private LocalCluster cluster;
  private ApiClient api;
  private ChromeDriver browser;
  private final List<String> consoleErrors = new ArrayList<>();

  @BeforeAll
  void startClusterAndBrowser() throws IOException {
    requireChromium();
    output = Path.of(System.getProperty("amdahl.it.output", "target/it-output")).resolve("dashboard");
    Files.createDirectories(output);
    control = LocalControl.open();
    Map<String, String> env = new HashMap<>(control.env());
    env.put("AMDAHL_WORKER_THREADS", "2");
    env.put("AMDAHL_DRAIN_SECONDS", "5");
    cluster = new LocalCluster(Launcher.classPath(), new LocalCluster.Options(2, 1, 0,
        "dashboard-it-" + Long.toHexString(ThreadLocalRandom.current().nextLong()), output.resolve("logs"), env));
    control.control(cluster);
    cluster.start();
    api = new ApiClient(cluster.url(), cluster.token());
    browser = startChromium();
    // Like a user following the link ./amdahl local prints: the token becomes a cookie.
    browser.get(cluster.url() + "/?token=" + cluster.token());
  }

  @AfterAll
  void stopEverything() {
    if (browser != null) {
      browser.quit();
    }
    deleteProfile();
    if (control != null) {
      control.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void consoleStaysClean() {
    collectConsole();
    assertTrue(consoleErrors.isEmpty(), "the page logged errors to the browser console:\n" + String.join("\n", consoleErrors));
  }

  @Test
  @Order(1)
  void pageLoadsLiveAndListsEveryNode() {
    await("the page to say it is live", Duration.ofSeconds(30),
        () -> "live".equals(browser.findElement(By.id("connection")).getAttribute("data-state")));
    List<NodeProcess> nodes = new ArrayList<>();
    nodes.addAll(cluster.grid());
    nodes.addAll(cluster.coordinators());
    nodes.addAll(cluster.workers());
    for (NodeProcess node : nodes) {
      await(node.nodeId() + " listed as ready", Duration.ofSeconds(30), () -> "READY".equals(nodeState(node.nodeId())));
    }
    String served = browser.findElement(By.id("served-by")).getText();
    assertTrue(served.contains(cluster.coordinators().get(0).nodeId()), "header names the coordinator: " + served);
    assertTrue(browser.findElement(By.id("controls")).isDisplayed(), "the local cluster controls are shown");
    await("a kill control on each of the two workers", Duration.ofSeconds(30),
        () -> browser.findElements(By.cssSelector("#nodes button[data-action='kill']")).size() == 2);
  }

  @Test
  @Order(2)
  void jobProgressAdvancesToDoneAndSurvivesAKilledWorker() {
    String jobId = submit("sleep", Map.of("tasks", "48", "millis", "400"), null);
    WebElement progress = browser.findElement(By.cssSelector("li.job[data-job-id='" + jobId + "'] progress"));
    TreeSet<Integer> seen = new TreeSet<>();
    await("job " + jobId + " to make progress", Duration.ofSeconds(60), () -> {
      seen.add(progressValue(progress));
      return seen.last() >= 4;
    });

    String victim = cluster.workers().get(0).nodeId();
    browser.findElement(By.cssSelector("#nodes button[data-action='kill'][data-node-id='" + victim + "']")).click();
    await(victim + " shown as gone", Duration.ofSeconds(60), () -> "GONE".equals(nodeState(victim)));
    assertTrue(rowText(victim).contains("lost"), "the killed worker is shown as lost: " + rowText(victim));
    assertTrue(!cluster.workers().get(0).isAlive(), "the worker process really died");

    await("job " + jobId + " to succeed", Duration.ofSeconds(120), () -> {
      seen.add(progressValue(progress));
      return "SUCCEEDED".equals(jobState(jobId));
    });
    seen.add(progressValue(progress));
    assertEquals(48, seen.last(), "the progress bar ends full");
    assertTrue(seen.stream().anyMatch(v -> v > 0 && v < 48), "the progress bar moved through values between: " + seen);
    assertEquals(48L, api.job(jobId).getJsonObject("result").getLong("sleeps"), "every sleep ran exactly once in the result");
    await("the event log to tell of the lost worker and its requeued tasks", Duration.ofSeconds(30),
        () -> logText("lost").contains(victim) && !logText("requeue").isEmpty());
  }

  @Test
  @Order(3)
  void mandelbrotImageFillsInTileByTileOutlinedByItsWorkers() throws IOException {
    String jobId = submit("mandelbrot", Map.of("width", "480", "height", "360", "maxIterations", "3000",
        "centerX", "-0.5", "centerY", "0", "scale", "3"), "24");
    await("the image of job " + jobId + " to be complete", Duration.ofSeconds(120), () -> {
      WebElement image = browser.findElement(By.id("image"));
      return jobId.equals(image.getAttribute("data-job")) && "true".equals(image.getAttribute("data-final"))
          && "24".equals(image.getAttribute("data-tiles-done"));
    });
    String legend = browser.findElement(By.id("tile-legend")).getText();
    String survivor = cluster.workers().get(1).nodeId();
    assertTrue(legend.contains(survivor), "the legend names the worker that drew the tiles: " + legend);

    JsonObject layout = api.get("/api/jobs/" + jobId + "/tiles").json();
    assertEquals(24, layout.getJsonArray("tiles").size(), "the layout has every tile");
    assertEquals(24, layout.getJsonArray("done").size(), "who drew each tile is still known after the job ended");
    JsonArray first = layout.getJsonArray("tiles").getJsonArray(0);
    ApiClient.Response tile = api.get("/api/jobs/" + jobId + "/tiles/0.png");
    assertEquals(200, tile.status(), tile.text());
    assertEquals("image/png", tile.contentType());
    BufferedImage png = ImageIO.read(new ByteArrayInputStream(tile.body()));
    assertEquals(first.getInteger(2), png.getWidth(), "tile 0 is as wide as its place in the layout");
    assertEquals(first.getInteger(3), png.getHeight(), "tile 0 is as high as its place in the layout");
    screenshot("dashboard-1280x800.png", 1280, 800);
  }

  @Test
  @Order(4)
  void controlsAddAWorkerThenRollEveryWorkerToANewVersionThenStopOne() throws IOException {
    browser.findElement(By.id("add-worker")).click();
    await("a third worker to be started", Duration.ofSeconds(30), () -> cluster.workers().size() == 3);
    String added = cluster.workers().get(2).nodeId();
    await(added + " to join and be ready", NODE_START, () -> "READY".equals(nodeState(added)));

    WebElement version = browser.findElement(By.id("roll-version"));
    version.clear();
    version.sendKeys("2.0");
    browser.findElement(By.cssSelector("#roll-form button[type='submit']")).click();
    await("the roll to finish", NODE_START.multipliedBy(3),
        () -> browser.findElement(By.id("roll-status")).getText().startsWith("Rolled 2 workers to version 2.0"));
    List<WebElement> readyWorkers = browser.findElements(By.cssSelector("#nodes tr[data-state='READY']")).stream()
        .filter(row -> row.getText().contains("worker ·")).toList();
    assertEquals(2, readyWorkers.size(), "two workers are ready after the roll");
    for (WebElement row : readyWorkers) {
      assertTrue(row.getText().contains("2.0"), "a ready worker runs version 2.0: " + row.getText());
    }
    await("the replaced " + added + " to be shown as having drained and left", Duration.ofSeconds(30),
        () -> rowText(added).contains("left"));
    await("the version mix to show 2.0", Duration.ofSeconds(10),
        () -> browser.findElement(By.id("version-legend")).getText().contains("2.0"));

    String newest = cluster.workers().get(cluster.workers().size() - 1).nodeId();
    browser.findElement(By.cssSelector("#nodes button[data-action='stop'][data-node-id='" + newest + "']")).click();
    await(newest + " to drain and leave", Duration.ofSeconds(60), () -> "GONE".equals(nodeState(newest)));
    assertTrue(rowText(newest).contains("left"), "a stopped worker is shown as having left, not lost: " + rowText(newest));
    // Seen draining ("drain"), or only once gone, having taken itself out first ("leave ... after
    // draining"): which of the two depends on when the coordinator's snapshots fall.
    await("the event log to tell of " + newest + "'s drain", Duration.ofSeconds(10),
        () -> logText("drain").contains(newest) || logText("leave").lines()
            .anyMatch(line -> line.contains(newest) && line.contains("left the cluster after draining")));

    screenshot("dashboard-after-roll-1280x800.png", 1280, 800);
    screenshot("dashboard-phone-390x844.png", 390, 844);
  }

  // ---- the browser

  private static void requireChromium() {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      fail("the dashboard test needs Chromium and its driver at " + CHROMIUM + " and " + CHROMEDRIVER
          + ": install them with `apt-get install -y chromium chromium-driver` (Debian), then run the test again");
    }
  }

  private ChromeDriver startChromium() throws IOException {
    profile = Files.createTempDirectory("amdahl-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--hide-scrollbars", "--window-size=1280,800",
        "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .withLogFile(output.resolve("chromedriver.log").toFile())
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    viewport(driver, 1280, 800);
    return driver;
  }

  private void deleteProfile() {
    if (profile == null) {
      return;
    }
    try (var files = Files.walk(profile)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a temporary directory; the system cleans it up eventually
    }
  }

  private static void viewport(ChromeDriver driver, int width, int height) {
    driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 600));
  }

  private void screenshot(String name, int width, int height) throws IOException {
    viewport(browser, width, height);
    browser.executeScript("window.scrollTo(0, 0)");
    await("the page to lay itself out at " + width + "x" + height, Duration.ofSeconds(10),
        () -> Boolean.TRUE.equals(browser.executeScript(
            "return new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(window.innerWidth === " + width + "))))")));
    Files.write(output.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
    viewport(browser, 1280, 800);
  }

  private void collectConsole() {
    if (browser == null) {
      return;
    }
    for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
      if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
        consoleErrors.add(entry.toString());
      }
    }
  }

  // ---- reading and driving the page

  private String submit(String kind, Map<String, String> params, String tasks) {
    browser.findElement(By.cssSelector("#kind option[value='" + kind + "']")).click();
    params.forEach((name, value) -> type(By.id("param-" + name), value));
    type(By.id("tasks"), tasks == null ? "" : tasks);
    browser.findElement(By.id("submit-job")).click();
    String[] id = new String[1];
    await("the page to confirm the " + kind + " job", Duration.ofSeconds(30), () -> {
      Matcher m = SUBMITTED.matcher(browser.findElement(By.id("submit-status")).getText());
      if (m.find()) {
        id[0] = m.group(1);
        return true;
      }
      return false;
    });
    await("job " + id[0] + " to be listed", Duration.ofSeconds(30),
        () -> !browser.findElements(By.cssSelector("li.job[data-job-id='" + id[0] + "']")).isEmpty());
    return id[0];
  }

  private void type(By field, String value) {
    WebElement input = browser.findElement(field);
    input.clear();
    if (!value.isEmpty()) {
      input.sendKeys(value);
    }
  }

  private String nodeState(String nodeId) {
    List<WebElement> rows = browser.findElements(By.cssSelector("#nodes tr[data-node-id='" + nodeId + "']"));
    return rows.isEmpty() ? null : rows.get(0).getAttribute("data-state");
  }

  private String rowText(String nodeId) {
    WebElement row = browser.findElement(By.cssSelector("#nodes tr[data-node-id='" + nodeId + "']"));
    return row.getAttribute("data-state") + ": " + browser.executeScript("return arguments[0].textContent", row);
  }

  private String jobState(String jobId) {
    return browser.findElement(By.cssSelector("li.job[data-job-id='" + jobId + "']")).getAttribute("data-state");
  }

  private static int progressValue(WebElement progress) {
    return (int) Double.parseDouble(progress.getAttribute("value"));
  }

  private String logText(String type) {
    StringBuilder text = new StringBuilder();
    for (WebElement entry : browser.findElements(By.cssSelector("#log li[data-type='" + type + "']"))) {
      text.append(entry.getText()).append('\n');
    }
    return text.toString();
  }

  /** Polls {@code condition} until it holds; on time-out saves a screenshot and fails saying what did not happen. */
  private void await(String what, Duration timeout, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (Boolean.TRUE.equals(condition.get())) {
          return;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted while waiting for " + what);
      }
    }
    String shot = "";
    try {
      Path file = output.resolve("timeout-" + System.currentTimeMillis() + ".png");
      Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
      shot = "; the page at that moment: " + file;
    } catch (RuntimeException | IOException e) {
      // the failure below says enough
    }
    fail("timed out after " + timeout.toSeconds() + " s waiting for " + what + shot
        + (last == null ? "" : "; last error: " + last));
  }
}
