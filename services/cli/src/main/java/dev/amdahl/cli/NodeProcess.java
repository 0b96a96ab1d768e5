package dev.amdahl.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** One node of a local cluster: its process, HTTP port and log file. */
public final class NodeProcess {
  private final String name;
  private final String service;
  private final Process process;
  private final int httpPort;
  private final int metricsPort;
  private final Path log;
  private final String nodeId;

  NodeProcess(String name, String service, Process process, int httpPort, int metricsPort, Path log, String nodeId) {
    this.name = name;
    this.nodeId = nodeId;
    this.service = service;
    this.process = process;
    this.httpPort = httpPort;
    this.metricsPort = metricsPort;
    this.log = log;
  }

  public String name() {
    return name;
  }

  /** The id the node reports in the cluster ({@code AMDAHL_NODE_ID}). */
  public String nodeId() {
    return nodeId;
  }

  public String service() {
    return service;
  }

  public long pid() {
    return process.pid();
  }

  public int httpPort() {
    return httpPort;
  }

  /** Where the node answers: a coordinator's API (and health), any other node's health and metrics. */
  public String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** Where the node serves {@code /metrics}: for a coordinator, not its public API port. */
  public String metricsUrl() {
    return "http://127.0.0.1:" + metricsPort;
  }

  public Path log() {
    return log;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The exit status, once the process has exited. */
  public int exitValue() {
    return process.exitValue();
  }

  /** Whether {@code /health/ready} answers 200 now. */
  public boolean isReady() {
    try {
      return new ApiClient(url()).get("/health/ready").status() == 200;
    } catch (ApiClient.ApiException e) {
      return false;
    }
  }

  /** Waits until ready; fails if the process exits or the time runs out. */
  public void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with status " + process.exitValue() + " before it was ready; see " + log);
      }
      if (isReady()) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + name, e);
      }
    }
    throw new IllegalStateException(name + " was not ready within " + timeout.toSeconds() + " s; see " + log);
  }

  /** SIGTERM: the node drains and leaves. Returns whether it exited within {@code timeout}. */
  public boolean stop(Duration timeout) {
    terminate();
    return awaitExit(timeout);
  }

  /** Sends SIGTERM and returns at once. */
  public void terminate() {
    process.destroy();
  }

  /** SIGKILL: the node dies at once, holding whatever it held. */
  public void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(10));
  }

  /** SIGSTOP or SIGCONT: freezes or wakes the node without killing it. */
  public void signal(String signal) {
    try {
      new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new IllegalStateException("could not send SIG" + signal + " to " + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
