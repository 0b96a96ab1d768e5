package dev.amdahl.observability;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Prometheus and Grafana files under deploy/: Prometheus' own checker and rule unit
 * tests pass, the scrape configuration keeps its contract with docker-compose.yml, and the
 * dashboards are well formed and use the provisioned data source; the images' JVMs get the
 * JIT flags of the local nodes.
 */
class DeployFilesIT {
  private static final Path PROMETHEUS = PromTools.deploy("prometheus");
  /** Panel types of Grafana 10 and 11 that draw Prometheus data. */
  private static final Set<String> PANEL_TYPES = Set.of("timeseries", "stat", "gauge", "bargauge", "table", "heatmap",
      "state-timeline", "status-history", "barchart", "piechart", "histogram", "xychart", "trend");
  private static final Set<String> GRAFANA_GLOBALS = Set.of("__rate_interval", "__interval", "__interval_ms", "__range",
      "__range_s", "__range_ms");

  @Test
  void prometheusConfigPassesPromtoolCheckConfig() {
    PromTools.Result result = PromTools.promtool(PROMETHEUS, null, "check", "config", "prometheus.yml");
    assertTrue(result.ok(), "promtool check config failed:\n" + result.output());
    assertTrue(result.output().contains("SUCCESS: 1 rule files found"), "the config must load alerts.yml:\n" + result.output());
  }

  @Test
  void alertRulesPassPromtoolCheckRules() {
    PromTools.Result result = PromTools.promtool(PROMETHEUS, null, "check", "rules", "alerts.yml");
    assertTrue(result.ok(), "promtool check rules failed:\n" + result.output());
  }

  @Test
  void alertRuleUnitTestsPass() {
    PromTools.Result result = PromTools.promtool(PROMETHEUS, null, "test", "rules", "alerts_test.yml");
    assertTrue(result.ok(), "promtool test rules failed:\n" + result.output());
    assertTrue(result.output().contains("SUCCESS"), result.output());
  }

  @Test
  void everyAlertOfTheIssueExistsAndHasAUnitTestThatFiresIt() throws IOException {
    Map<String, Object> rules = yaml(PROMETHEUS.resolve("alerts.yml"));
    Set<String> alerts = new HashSet<>();
    for (Map<String, Object> group : list(rules.get("groups"))) {
      for (Map<String, Object> rule : list(group.get("rules"))) {
        alerts.add((String) rule.get("alert"));
        Map<String, Object> annotations = map(rule.get("annotations"));
        assertTrue(annotations.containsKey("summary") && annotations.containsKey("description"),
            "alert " + rule.get("alert") + " needs a summary and a description");
      }
    }
    assertEquals(Set.of("BacklogGrowingWithNoWorkerReady", "WorkerFlapping", "JobPastDeadline", "GridNotSafe"), alerts);
    Map<String, Object> tests = yaml(PROMETHEUS.resolve("alerts_test.yml"));
    Set<String> fired = new HashSet<>();
    for (Map<String, Object> test : list(tests.get("tests"))) {
      for (Map<String, Object> check : list(test.get("alert_rule_test"))) {
        if (!list(check.get("exp_alerts")).isEmpty()) {
          fired.add((String) check.get("alertname"));
        }
      }
    }
    assertEquals(alerts, fired, "every alert needs a unit test in which it fires");
  }

  @Test
  void prometheusFindsEveryComposeServiceByDnsAndKeepsTheNodesLabels() throws IOException {
    Map<String, Object> config = yaml(PROMETHEUS.resolve("prometheus.yml"));
    assertEquals(List.of("alerts.yml"), config.get("rule_files"));
    Map<String, List<String>> names = Map.of(
        "grid", List.of("grid-a", "grid-b", "grid-c"), "coordinator", List.of("coordinator"), "worker", List.of("worker"));
    Map<String, Integer> ports = Map.of("grid", 8081, "coordinator", 8081, "worker", 8081);
    List<String> jobs = new ArrayList<>();
    for (Map<String, Object> scrape : list(config.get("scrape_configs"))) {
      String job = (String) scrape.get("job_name");
      jobs.add(job);
      assertEquals(Boolean.TRUE, scrape.get("honor_labels"), job + ": the nodes' own service and node labels must win");
      assertEquals("/metrics", scrape.get("metrics_path"), job);
      List<Map<String, Object>> dns = list(scrape.get("dns_sd_configs"));
      assertEquals(1, dns.size(), job + " is found by DNS");
      assertEquals("A", dns.get(0).get("type"), job);
      assertEquals(names.get(job), dns.get(0).get("names"), job + ": the compose service names");
      assertEquals(ports.get(job), dns.get(0).get("port"), job + ": the HTTP port of its nodes");
      Map<String, Object> relabel = list(scrape.get("relabel_configs")).get(0);
      assertEquals("service", relabel.get("target_label"), job);
      assertEquals(job, relabel.get("replacement"), job + ": up{} carries the service label too");
    }
    assertEquals(List.of("grid", "coordinator", "worker"), jobs);
  }

  @Test
  void dashboardsAreWellFormedAndUseTheProvisionedDataSource() throws IOException {
    String uid = provisionedDataSourceUid();
    List<Dashboards.Dashboard> dashboards = Dashboards.all();
    assertEquals(3, dashboards.size(), "cluster overview, rolling upgrade, scaling");
    Set<String> uids = new HashSet<>();
    for (Dashboards.Dashboard dashboard : dashboards) {
      String name = dashboard.file();
      assertTrue(uids.add(dashboard.json().getString("uid")), name + ": dashboard uid must be unique");
      assertFalse(dashboard.title() == null || dashboard.title().isBlank(), name + " needs a title");
      Set<String> variables = new HashSet<>(GRAFANA_GLOBALS);
      for (JsonObject variable : dashboard.variables()) {
        assertTrue(variables.add(variable.getString("name")), name + ": variable names must be unique");
        assertDataSource(uid, variable.getJsonObject("datasource"), name + " variable " + variable.getString("name"));
        assertEquals(".*", variable.getString("allValue"), name + ": 'All' must match every value");
      }
      for (JsonObject annotation : dashboard.annotations()) {
        assertDataSource(uid, annotation.getJsonObject("datasource"), name + " annotation " + annotation.getString("name"));
      }
      Set<Integer> ids = new HashSet<>();
      List<int[]> cells = new ArrayList<>();
      for (JsonObject panel : dashboard.panels()) {
        String where = name + " panel " + panel.getInteger("id") + " '" + panel.getString("title") + "'";
        assertTrue(ids.add(panel.getInteger("id")), where + ": panel ids must be unique");
        assertTrue(PANEL_TYPES.contains(panel.getString("type")), where + ": unknown panel type " + panel.getString("type"));
        assertFalse(panel.getString("title", "").isBlank(), where + " needs a title");
        assertDataSource(uid, panel.getJsonObject("datasource"), where);
        List<JsonObject> targets = Dashboards.objects(panel.getJsonArray("targets"));
        assertFalse(targets.isEmpty(), where + " has no targets");
        Set<String> refIds = new HashSet<>();
        for (JsonObject target : targets) {
          assertTrue(refIds.add(target.getString("refId")), where + ": refIds must be unique");
          assertDataSource(uid, target.getJsonObject("datasource"), where + " target " + target.getString("refId"));
          String expr = target.getString("expr", "");
          assertFalse(expr.isBlank(), where + " target " + target.getString("refId") + " has no query");
          for (String used : Dashboards.variablesIn(expr)) {
            assertTrue(variables.contains(used), where + " uses $" + used + ", which the dashboard does not define");
          }
        }
        cells.add(gridCell(panel, where));
      }
      assertNoOverlap(cells, name);
    }
  }

  private static int[] gridCell(JsonObject panel, String where) {
    JsonObject pos = panel.getJsonObject("gridPos");
    int x = pos.getInteger("x");
    int y = pos.getInteger("y");
    int w = pos.getInteger("w");
    int h = pos.getInteger("h");
    assertTrue(x >= 0 && w > 0 && x + w <= 24 && y >= 0 && h > 0, where + ": gridPos outside the 24 columns: " + pos);
    return new int[] {x, y, w, h};
  }

  private static void assertNoOverlap(List<int[]> cells, String name) {
    for (int i = 0; i < cells.size(); i++) {
      for (int j = i + 1; j < cells.size(); j++) {
        int[] a = cells.get(i);
        int[] b = cells.get(j);
        boolean overlap = a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
        assertFalse(overlap, name + ": panels " + (i + 1) + " and " + (j + 1) + " overlap");
      }
    }
  }

  private static void assertDataSource(String uid, JsonObject datasource, String where) {
    assertTrue(datasource != null, where + " names no data source");
    assertEquals("prometheus", datasource.getString("type"), where);
    assertEquals(uid, datasource.getString("uid"), where + " must use the provisioned data source");
  }

  /**
   * The images' JVMs compile and reach safepoints as the local processes' do, and keep no perf
   * data either: each JIT, safepoint and perf data flag of {@code ./amdahl local} is in the
   * images' java argument file too.
   */
  @Test
  void theImagesGetTheJitAndSafepointFlagsOfTheLocalNodes() throws IOException {
    String dockerfile = Files.readString(PromTools.deploy("Dockerfile"));
    List<String> flags = dev.amdahl.cli.Launcher.JVM_FLAGS.stream()
        .filter(flag -> flag.startsWith("-XX:Compile") || flag.contains("LoopSafepoints") || flag.contains("LoopStripMining")
            || flag.contains("PerfData"))
        .toList();
    assertTrue(flags.size() >= 6, "the flags this test knows of: " + flags);
    for (String flag : flags) {
      assertTrue(dockerfile.contains(flag) || dockerfile.contains("'" + flag + "'"),
          flag + " is in Launcher.JVM_FLAGS but not in the image's JVM flags (deploy/Dockerfile)");
    }
  }

  private static String provisionedDataSourceUid() throws IOException {
    Map<String, Object> provisioning = yaml(PromTools.deploy("grafana/provisioning/datasources/prometheus.yml"));
    List<Map<String, Object>> sources = list(provisioning.get("datasources"));
    assertEquals(1, sources.size());
    assertEquals("prometheus", sources.get(0).get("type"));
    String uid = (String) sources.get(0).get("uid");
    assertFalse(uid == null || uid.isBlank(), "the provisioned data source needs a fixed uid");
    Map<String, Object> providers = yaml(PromTools.deploy("grafana/provisioning/dashboards/amdahl.yml"));
    Map<String, Object> provider = list(providers.get("providers")).get(0);
    assertEquals("/etc/grafana/provisioning/dashboards", map(provider.get("options")).get("path"),
        "the provider reads the JSON files beside it, where compose mounts deploy/grafana/provisioning");
    return uid;
  }

  static Map<String, Object> yaml(Path file) throws IOException {
    return new Yaml().load(Files.readString(file));
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Object value) {
    return value == null ? List.of() : (List<Map<String, Object>>) value;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return value == null ? Map.of() : (Map<String, Object>) value;
  }
}
