package dev.amdahl.cli;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small blocking client of the coordinator's API, for the CLI and the tests. */
public final class ApiClient {
  // HTTP/1.1: the JDK client's default h2c upgrade can stall on large bodies such as /metrics.
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private final String base;
  private final String token;

  /** A response: its status and body. */
  public record Response(int status, String contentType, byte[] body, java.net.http.HttpHeaders headers) {
    /** The first value of a response header, or null. */
    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    public JsonObject json() {
      return new JsonObject(new String(body, java.nio.charset.StandardCharsets.UTF_8));
    }

    public String text() {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** A client without a token: for health checks and metrics. */
  public ApiClient(String base) {
    this(base, null);
  }

  /** A client that sends {@code token} as a bearer token (null: none). */
  public ApiClient(String base, String token) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.token = token;
  }

  public String base() {
    return base;
  }

  public Response get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  public Response delete(String path) {
    return send(HttpRequest.newBuilder(uri(path)).DELETE());
  }

  public Response post(String path, String body) {
    return send(HttpRequest.newBuilder(uri(path))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** Submits a job; returns its id, or throws with the API's error. */
  public String submit(JsonObject spec) {
    Response response = post("/api/jobs", spec.encode());
    if (response.status() != 202) {
      throw new ApiException(response.status(), response.text());
    }
    return response.json().getString("id");
  }

  public JsonObject job(String id) {
    return job(id, 0);
  }

  /** The job once it has ended, or as it is after {@code waitSeconds} (the coordinator holds the request). */
  public JsonObject job(String id, int waitSeconds) {
    Response response = get("/api/jobs/" + id + (waitSeconds > 0 ? "?waitSeconds=" + waitSeconds : ""));
    if (response.status() != 200) {
      throw new ApiException(response.status(), response.text());
    }
    return response.json();
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private Response send(HttpRequest.Builder request) {
    try {
      if (token != null) {
        request.header("authorization", "Bearer " + token);
      }
      HttpResponse<byte[]> response = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Response(response.statusCode(), response.headers().firstValue("content-type").orElse(""), response.body(),
          response.headers());
    } catch (IOException e) {
      throw new ApiException(0, "cannot reach " + base + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(0, "interrupted");
    }
  }

  /** The API answered with an error, or could not be reached (status 0). */
  public static final class ApiException extends RuntimeException {
    private final int status;

    public ApiException(int status, String message) {
      super(status == 0 ? message : "HTTP " + status + ": " + message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }
}
