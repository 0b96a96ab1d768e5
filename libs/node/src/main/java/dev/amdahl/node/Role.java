package dev.amdahl.node;

import java.util.Locale;

/** What a node does in the cluster. */
public enum Role {
  /** A Hazelcast data member: holds all state. */
  GRID,
  /** Serves the API and dashboard, splits jobs and merges results. */
  COORDINATOR,
  /** Pulls tasks and runs them. */
  WORKER;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
