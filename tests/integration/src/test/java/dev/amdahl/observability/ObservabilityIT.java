package dev.amdahl.observability;

import dev.amdahl.cli.ApiClient;
import dev.amdahl.cli.Launcher;
import dev.amdahl.cli.LocalCluster;
import dev.amdahl.cli.NodeProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real cluster (two grid members, a coordinator, a worker replaced by one of a newer version) runs jobs while
 * a real Prometheus scrapes it with the scrape configuration of deploy/ (file-based discovery
 * in place of Docker's DNS). Every node's output passes {@code promtool check metrics}, and
 * every query of every dashboard returns data.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ObservabilityIT {
  private static final String OLD = "1.0.0";
  private static final String NEW = "1.1.0";
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final Set<String> COMMON_LABELS = Set.of("service", "node", "version", "zone");
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? ");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Path work;
  private LocalCluster cluster;
  private PrometheusServer prometheus;
  private ApiClient api;
  private NodeProcess newWorker;
  private String longJob;
  private Instant started;

  @BeforeAll
  void startClusterAndPrometheusAndRunJobs() throws IOException {
    PromTools.require("promtool");
    PromTools.require("prometheus");
    work = Path.of(System.getProperty("amdahl.it.output", "target/it-output")).toAbsolutePath()
        .resolve("observability-" + System.currentTimeMillis());
    Files.createDirectories(work);
    cluster = new LocalCluster(Launcher.classPath(), new LocalCluster.Options(1, 2, 0,
        "amdahl-observability-" + ProcessHandle.current().pid(), work.resolve("logs"),
        Map.of("AMDAHL_VERSION", OLD, "AMDAHL_WORKER_THREADS", "2")));
    cluster.start();
    api = new ApiClient(cluster.url(), cluster.token());
    prometheus = PrometheusServer.start(prometheusConfig(), work.resolve("prometheus-data"), LocalCluster.freePort(),
        work.resolve("prometheus.log"), Duration.ofSeconds(60));
    started = Instant.now();

    runToSuccess(sleepJob(120, 100));
    newWorker = cluster.startWorker(Map.of("AMDAHL_VERSION", NEW));
    newWorker.awaitReady(WAIT);
    writeTargets();
    runToSuccess(sleepJob(120, 100));
    longJob = api.submit(sleepJob(400, 1500));
    awaitCondition("the long job to run", () -> "RUNNING".equals(api.job(longJob).getString("state")));
    // The rolling step: the old worker drains (it holds 1.5 s tasks, so it drains for a while) and leaves.
    NodeProcess oldWorker = cluster.workers().get(0);
    // Holding tasks, so that it drains for seconds and Prometheus (every 1 s) sees it DRAINING.
    awaitCondition(oldWorker.name() + " to hold tasks", () -> heldBy(oldWorker) > 0);
    assertTrue(oldWorker.stop(Duration.ofSeconds(60)), oldWorker.name() + " did not drain and exit; see " + oldWorker.log());
    writeTargets();
    awaitCondition("Prometheus to have scraped every node and both finished jobs", this::prometheusHasTheStory);
  }

  @AfterAll
  void stopEverything() {
    try {
      if (longJob != null && api != null) {
        api.delete("/api/jobs/" + longJob);
      }
    } catch (RuntimeException e) {
      // The cluster goes down next anyway.
    } finally {
      try {
        if (prometheus != null) {
          prometheus.close();
        }
      } finally {
        if (cluster != null) {
          cluster.close();
        }
      }
    }
  }

  @Test
  @Order(1)
  void everyKindOfNodeServesMetricsThatPassPromtoolCheckMetrics() {
    assertEquals("RUNNING", api.job(longJob).getString("state"), "the nodes are scraped while a job runs");
    for (NodeProcess node : oneOfEachKind()) {
      String text = scrape(node, Duration.ofSeconds(10));
      PromTools.Result result = PromTools.promtool(work, text, "check", "metrics");
      assertTrue(result.ok() && result.output().isBlank(),
          node.service() + " " + node.name() + ": promtool check metrics found problems:\n" + result.output());
    }
  }

  @Test
  @Order(2)
  void eachKindOfNodeExportsItsMetricsWithTheCommonLabels() {
    Map<String, List<String>> expected = Map.of(
        "grid", List.of("amdahl_grid_safe", "amdahl_grid_queue_items", "amdahl_grid_migrations_total",
            "cache_entries", "cache_gets_total", "cache_puts_total"),
        "coordinator", List.of("amdahl_tasks_backlog", "amdahl_jobs", "amdahl_jobs_finished_total", "amdahl_jobs_overdue",
            "amdahl_job_progress", "amdahl_job_phase_seconds_sum", "amdahl_job_work_seconds_sum",
            "amdahl_lease_expirations_total", "amdahl_tasks_requeued_total", "vertx_http_server_requests_total",
            "vertx_eventbus_handlers"),
        "worker", List.of("amdahl_tasks_claimed_total", "amdahl_tasks_completed_total", "amdahl_tasks_retried_total",
            "amdahl_tasks_requeued_total", "amdahl_tasks_replicated_total", "amdahl_task_duration_seconds_bucket",
            "amdahl_tasks_in_flight", "amdahl_worker_threads", "vertx_eventbus_published_total"));
    List<String> everyNode = List.of("amdahl_members", "amdahl_membership_changes_total", "amdahl_node_state",
        "jvm_memory_used_bytes", "jvm_gc_pause_seconds_count", "jvm_threads_live_threads", "process_cpu_usage",
        "process_cpu_seconds_total", "process_start_time_seconds", "system_processors", "vertx_http_server_active_connections");
    for (NodeProcess node : oneOfEachKind()) {
      String text = scrape(node, Duration.ofSeconds(10));
      Set<String> names = new TreeSet<>();
      for (String line : text.split("\n")) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        Matcher sample = SAMPLE.matcher(line);
        assertTrue(sample.find(), node.name() + ": not a sample line: " + line);
        names.add(sample.group(1));
        Set<String> labels = new TreeSet<>();
        Matcher label = LABEL.matcher(sample.group(3) == null ? "" : sample.group(3));
        while (label.find()) {
          labels.add(label.group(1));
        }
        assertTrue(labels.containsAll(COMMON_LABELS), node.name() + ": sample without " + COMMON_LABELS + ": " + line);
      }
      List<String> wanted = new ArrayList<>(everyNode);
      wanted.addAll(expected.get(node.service()));
      List<String> missing = wanted.stream().filter(name -> !names.contains(name)).toList();
      assertTrue(missing.isEmpty(), node.service() + " " + node.name() + " lacks " + missing);
      assertTrue(text.contains("version=\"" + (node == newWorker ? NEW : OLD) + "\""), node.name() + " reports its version");
    }
  }

  @Test
  @Order(3)
  void prometheusScrapesEveryNodeAndKeepsTheNodesOwnLabels() {
    Map<String, Integer> upByJob = new HashMap<>();
    for (int i = 0; i < prometheus.activeTargets().size(); i++) {
      JsonObject target = prometheus.activeTargets().getJsonObject(i);
      JsonObject labels = target.getJsonObject("labels");
      assertEquals(labels.getString("job"), labels.getString("service"), "relabelling gives up{} the service: " + labels);
      if ("up".equals(target.getString("health"))) {
        upByJob.merge(labels.getString("job"), 1, Integer::sum);
      }
    }
    assertEquals(Map.of("grid", 2, "coordinator", 1, "worker", 1), upByJob);
    JsonArray renamed = vector("count({exported_service!=\"\"} or {exported_node!=\"\"} or {exported_version!=\"\"})");
    assertTrue(renamed.isEmpty(), "Prometheus renamed the nodes' own labels: " + renamed);
    JsonArray services = vector("count by (service, job) (amdahl_node_state{state=\"READY\"} == 1)");
    assertEquals(3, services.size(), "ready nodes of every service, each in its own job: " + services);
    JsonArray versions = vector("count by (version) (last_over_time(amdahl_node_state{service=\"worker\"}[5m]))");
    assertEquals(2, versions.size(), "both worker versions were scraped: " + versions);
  }

  @Test
  @Order(4)
  void everyDashboardQueryReturnsDataFromARealPrometheus() {
    Instant now = Instant.now();
    long rangeSeconds = Math.max(60, Duration.between(started, now).toSeconds() + 5);
    List<String> problems = new ArrayList<>();
    int queries = 0;
    for (Dashboards.Dashboard dashboard : Dashboards.all()) {
      Map<String, String> values = new HashMap<>(Map.of(
          "__rate_interval", "15s", "__interval", "5s", "__interval_ms", "5000",
          "__range", rangeSeconds + "s", "__range_s", Long.toString(rangeSeconds), "__range_ms", Long.toString(rangeSeconds * 1000)));
      for (JsonObject variable : dashboard.variables()) {
        String name = variable.getString("name");
        JsonArray found = variableValues(variable.getJsonObject("query").getString("query"));
        queries++;
        if (found.isEmpty()) {
          problems.add(dashboard.file() + " variable $" + name + ": its query found no values");
        }
        values.put(name, variable.getString("allValue"));
      }
      for (Dashboards.Query query : Dashboards.panelQueries(dashboard)) {
        queries++;
        String promql = Dashboards.substitute(query.expr(), values);
        check(query, promql, prometheus.query(promql, now), problems);
      }
      for (Dashboards.Query query : Dashboards.annotationQueries(dashboard)) {
        queries++;
        String promql = Dashboards.substitute(query.expr(), values);
        check(query, promql, prometheus.queryRange(promql, started, now, Duration.ofSeconds(1)), problems);
      }
    }
    assertTrue(queries > 40, "the dashboards hold " + queries + " queries; expected more");
    assertTrue(problems.isEmpty(), problems.size() + " of " + queries + " dashboard queries failed:\n" + String.join("\n", problems));
  }

  @Test
  @Order(5)
  void alertRulesLoadAndEvaluateInARealPrometheus() {
    awaitCondition("every alert rule to be evaluated", () -> rules().values().stream().allMatch(rule -> rule.containsKey("lastEvaluation")
        && !rule.getString("lastEvaluation").startsWith("0001")));
    Map<String, JsonObject> rules = rules();
    assertEquals(Set.of("BacklogGrowingWithNoWorkerReady", "WorkerFlapping", "JobPastDeadline", "GridNotSafe"), rules.keySet());
    rules.forEach((name, rule) -> assertEquals("ok", rule.getString("health"), name + ": " + rule.getString("lastError")));
    assertEquals("inactive", rules.get("BacklogGrowingWithNoWorkerReady").getString("state"), "workers are ready");
    assertEquals("inactive", rules.get("GridNotSafe").getString("state"), "two grid members keep every backup");
  }

  @Test
  @Order(6)
  void scrapesAnswerPromptlyWhileAGridMemberIsFrozen() {
    NodeProcess frozen = cluster.grid().get(1);
    List<NodeProcess> others = new ArrayList<>(List.of(cluster.grid().get(0), cluster.coordinators().get(0), newWorker));
    frozen.signal("STOP");
    try {
      for (int round = 0; round < 3; round++) {
        for (NodeProcess node : others) {
          long start = System.nanoTime();
          String text = scrape(node, Duration.ofSeconds(3));
          long millis = (System.nanoTime() - start) / 1_000_000;
          assertTrue(text.contains("amdahl_node_state"), node.name() + " answered without its metrics");
          assertTrue(millis < 3000, node.name() + " took " + millis + " ms to answer a scrape");
        }
      }
    } finally {
      frozen.signal("CONT");
    }
  }

  // ---- the cluster's story, and what Prometheus saw of it

  private static JsonObject sleepJob(int tasks, int millis) {
    return new JsonObject().put("kind", "sleep").put("params", new JsonObject().put("tasks", tasks).put("millis", millis));
  }

  private void runToSuccess(JsonObject spec) {
    String id = api.submit(spec);
    awaitCondition("job " + id + " to succeed", () -> {
      String state = api.job(id).getString("state");
      if (Set.of("FAILED", "CANCELLED").contains(state)) {
        fail("job " + id + " ended " + state + ": " + api.job(id).encode());
      }
      return "SUCCEEDED".equals(state);
    });
  }

  private boolean prometheusHasTheStory() {
    return scalar("count(up{job=~\"grid|coordinator|worker\"} == 1)") == 4
        && scalar("sum(amdahl_job_phase_seconds_count{phase=\"merge\"})") >= 2
        && scalar("count(amdahl_job_progress)") >= 1
        && scalar("count(count by (version) (last_over_time(amdahl_node_state{service=\"worker\"}[5m])))") == 2
        && Duration.between(started, Instant.now()).toSeconds() >= 20;
  }

  private List<NodeProcess> oneOfEachKind() {
    return List.of(cluster.grid().get(0), cluster.coordinators().get(0), newWorker);
  }

  private static void check(Dashboards.Query query, String promql, JsonObject answer, List<String> problems) {
    if (!"success".equals(answer.getString("status"))) {
      problems.add(query.where() + ": " + answer.getString("error") + "\n    " + promql);
      return;
    }
    JsonArray result = answer.getJsonObject("data").getJsonArray("result");
    if (result.isEmpty()) {
      problems.add(query.where() + ": no data\n    " + promql);
    } else if (!hasFiniteValue(result)) {
      problems.add(query.where() + ": only NaN or infinite values " + result.encode() + "\n    " + promql);
    }
  }

  private static boolean hasFiniteValue(JsonArray result) {
    for (int i = 0; i < result.size(); i++) {
      JsonObject series = result.getJsonObject(i);
      List<JsonArray> points = new ArrayList<>();
      if (series.containsKey("value")) {
        points.add(series.getJsonArray("value"));
      } else {
        series.getJsonArray("values").forEach(point -> points.add((JsonArray) point));
      }
      for (JsonArray point : points) {
        if (Double.isFinite(Double.parseDouble(point.getString(1)))) {
          return true;
        }
      }
    }
    return false;
  }

  // Grafana's label_values(metric, label) and label_values(label), as the data source runs them.
  private JsonArray variableValues(String query) {
    Matcher matcher = Pattern.compile("label_values\\(\\s*(?:(.+),\\s*)?(\\w+)\\s*\\)").matcher(query);
    assertTrue(matcher.matches(), "not a label_values query: " + query);
    return prometheus.labelValues(matcher.group(2), matcher.group(1) == null ? "{__name__=~\".+\"}" : matcher.group(1));
  }

  private Map<String, JsonObject> rules() {
    Map<String, JsonObject> rules = new LinkedHashMap<>();
    JsonArray groups = prometheus.ruleGroups();
    for (int g = 0; g < groups.size(); g++) {
      JsonArray list = groups.getJsonObject(g).getJsonArray("rules");
      for (int r = 0; r < list.size(); r++) {
        rules.put(list.getJsonObject(r).getString("name"), list.getJsonObject(r));
      }
    }
    return rules;
  }

  private JsonArray vector(String promql) {
    JsonObject answer = prometheus.query(promql, Instant.now());
    assertEquals("success", answer.getString("status"), promql + ": " + answer.getString("error"));
    return answer.getJsonObject("data").getJsonArray("result");
  }

  private double scalar(String promql) {
    JsonArray result = vector(promql);
    return result.isEmpty() ? 0 : Double.parseDouble(result.getJsonObject(0).getJsonArray("value").getString(1));
  }

  private String scrape(NodeProcess node, Duration timeout) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create(node.metricsUrl() + "/metrics")).timeout(timeout).build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), node.name() + " /metrics");
      return response.body();
    } catch (IOException e) {
      return fail(node.name() + " did not answer a scrape within " + timeout.toMillis() + " ms: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }

  // ---- Prometheus' configuration: deploy/'s, with file-based discovery of the local nodes

  private Path prometheusConfig() throws IOException {
    Map<String, Object> config = DeployFilesIT.yaml(PromTools.deploy("prometheus/prometheus.yml"));
    Map<String, Object> global = DeployFilesIT.map(config.get("global"));
    global.put("scrape_interval", "1s");
    global.put("scrape_timeout", "1s");
    global.put("evaluation_interval", "1s");
    config.put("rule_files", List.of(PromTools.deploy("prometheus/alerts.yml").toString()));
    for (Map<String, Object> scrape : DeployFilesIT.list(config.get("scrape_configs"))) {
      String job = (String) scrape.get("job_name");
      assertTrue(scrape.remove("dns_sd_configs") != null, job + " should be found by DNS in deploy/");
      scrape.put("file_sd_configs", List.of(Map.of("files", List.of(targets(job).toString()), "refresh_interval", "1s")));
    }
    writeTargets();
    Path file = work.resolve("prometheus.yml");
    Files.writeString(file, new JsonObject(config).encodePrettily());
    PromTools.Result check = PromTools.promtool(work, null, "check", "config", file.toString());
    assertTrue(check.ok(), "the test's Prometheus configuration is invalid:\n" + check.output());
    return file;
  }

  private Path targets(String job) {
    return work.resolve("targets-" + job + ".json");
  }

  private void writeTargets() throws IOException {
    Map<String, List<NodeProcess>> jobs = Map.of("grid", cluster.grid(), "coordinator", cluster.coordinators(), "worker", cluster.workers());
    for (var job : jobs.entrySet()) {
      JsonArray addresses = new JsonArray();
      job.getValue().stream().filter(NodeProcess::isAlive).forEach(node -> addresses.add(node.metricsUrl().substring("http://".length())));
      Path next = work.resolve("targets-" + job.getKey() + ".json.next");
      Files.writeString(next, new JsonArray().add(new JsonObject().put("targets", addresses)).encode());
      Files.move(next, targets(job.getKey()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private static double heldBy(NodeProcess worker) {
    for (String line : new ApiClient(worker.metricsUrl()).get("/metrics").text().split("\n")) {
      if (line.startsWith("amdahl_tasks_in_flight{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  private static void awaitCondition(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted while waiting for " + what);
      }
    }
    fail("gave up after " + WAIT.toSeconds() + " s waiting for " + what);
  }
}
