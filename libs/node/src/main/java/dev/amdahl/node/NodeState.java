package dev.amdahl.node;

/** Where a node is in its life; only a READY node reports ready. */
public enum NodeState {
  /** Starting and joining the cluster. */
  JOINING,
  /** Joined and doing its job. */
  READY,
  /** Shutting down: takes no new work, finishes or hands back what it holds. */
  DRAINING
}
