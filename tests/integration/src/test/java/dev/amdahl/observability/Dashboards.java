package dev.amdahl.observability;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The provisioned Grafana dashboards, and the PromQL in them, read as Grafana reads them. */
final class Dashboards {
  static final Path DIR = PromTools.deploy("grafana/provisioning/dashboards");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\$(\\w+)|\\[\\[(\\w+)]]");

  /** One dashboard file. */
  record Dashboard(String file, JsonObject json) {
    String title() {
      return json.getString("title");
    }

    List<JsonObject> panels() {
      return objects(json.getJsonArray("panels"));
    }

    List<JsonObject> variables() {
      return objects(json.getJsonObject("templating", new JsonObject()).getJsonArray("list"));
    }

    List<JsonObject> annotations() {
      return objects(json.getJsonObject("annotations", new JsonObject()).getJsonArray("list"));
    }
  }

  /** A PromQL expression, with where it comes from for messages. */
  record Query(String where, String expr) {
  }

  private Dashboards() {
  }

  static List<Dashboard> all() {
    try (Stream<Path> files = Files.list(DIR)) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().map(Dashboards::load).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + DIR, e);
    }
  }

  private static Dashboard load(Path file) {
    try {
      return new Dashboard(file.getFileName().toString(), new JsonObject(Files.readString(file)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Every target of every panel. */
  static List<Query> panelQueries(Dashboard dashboard) {
    List<Query> queries = new ArrayList<>();
    for (JsonObject panel : dashboard.panels()) {
      for (JsonObject target : objects(panel.getJsonArray("targets"))) {
        queries.add(new Query(dashboard.file() + " panel " + panel.getInteger("id") + " '" + panel.getString("title")
            + "' target " + target.getString("refId"), target.getString("expr")));
      }
    }
    return queries;
  }

  static List<Query> annotationQueries(Dashboard dashboard) {
    List<Query> queries = new ArrayList<>();
    for (JsonObject annotation : dashboard.annotations()) {
      if (annotation.containsKey("expr")) {
        queries.add(new Query(dashboard.file() + " annotation '" + annotation.getString("name") + "'", annotation.getString("expr")));
      }
    }
    return queries;
  }

  /**
   * Replaces Grafana's variables in {@code expr} with {@code values}, as Grafana does before
   * it sends a query; fails on a variable that has no value.
   */
  static String substitute(String expr, Map<String, String> values) {
    Matcher matcher = VARIABLE.matcher(expr);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(2) != null ? matcher.group(2) : matcher.group(3);
      String value = values.get(name);
      if (value == null) {
        throw new IllegalArgumentException("no value for Grafana variable $" + name + " in: " + expr);
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  /** The names of the variables {@code expr} uses. */
  static List<String> variablesIn(String expr) {
    List<String> names = new ArrayList<>();
    Matcher matcher = VARIABLE.matcher(expr);
    while (matcher.find()) {
      names.add(matcher.group(1) != null ? matcher.group(1) : matcher.group(2) != null ? matcher.group(2) : matcher.group(3));
    }
    return names;
  }

  static List<JsonObject> objects(io.vertx.core.json.JsonArray array) {
    List<JsonObject> out = new ArrayList<>();
    if (array != null) {
      for (int i = 0; i < array.size(); i++) {
        out.add(array.getJsonObject(i));
      }
    }
    return out;
  }
}
