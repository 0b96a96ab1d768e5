package dev.amdahl.worker;

import dev.amdahl.node.Env;
import dev.amdahl.node.NodeConfig;
import dev.amdahl.node.Role;

/**
 * A worker's settings, read once from the environment.
 *
 * @param node          the settings every node has
 * @param threads       tasks run at once ({@code AMDAHL_WORKER_THREADS}, default: cores)
 * @param maxHeld       claimed tasks not yet run, at most ({@code AMDAHL_WORKER_MAX_HELD}, default 256 × threads);
 *                      only a job of short tasks gets near it (see {@link Prefetch})
 * @param leaseMillis   how long a claimed task stays ours without a pulse ({@code AMDAHL_LEASE_MS})
 * @param pulseMillis   how often the worker pulses, renewing its leases ({@code AMDAHL_PULSE_MS})
 * @param drainSeconds  on SIGTERM, how long to finish held tasks before handing them back ({@code AMDAHL_DRAIN_SECONDS})
 * @param slowdown      makes every task take this many times as long ({@code AMDAHL_SLOWDOWN}), to play a straggler
 * @param resultFormat  the format of the partial results it writes ({@code AMDAHL_RESULT_FORMAT}, see {@link ResultFormat})
 */
public record WorkerConfig(
    NodeConfig node,
    int threads,
    int maxHeld,
    long leaseMillis,
    long pulseMillis,
    int drainSeconds,
    double slowdown,
    int resultFormat) {

  /** Tasks held of a job whose tasks are long or not measured yet: one running and one waiting per thread. */
  public int baseHeld() {
    return Math.min(2 * threads, maxHeld);
  }

  public static WorkerConfig from(Env env) {
    NodeConfig node = NodeConfig.from(env, Role.WORKER, 0);
    int threads = env.integer("AMDAHL_WORKER_THREADS", Runtime.getRuntime().availableProcessors(), 1, 256);
    long pulse = env.longValue("AMDAHL_PULSE_MS", 1000, 50, 60_000);
    return new WorkerConfig(
        node,
        threads,
        env.integer("AMDAHL_WORKER_MAX_HELD", Math.min(10_000, 256 * threads), 1, 10_000),
        env.longValue("AMDAHL_LEASE_MS", 10_000, 3 * pulse, 600_000),
        pulse,
        env.integer("AMDAHL_DRAIN_SECONDS", 20, 0, 3600),
        env.decimal("AMDAHL_SLOWDOWN", 1.0, 1.0, 1000.0),
        env.integer("AMDAHL_RESULT_FORMAT", ResultFormat.CURRENT, ResultFormat.CURRENT, ResultFormat.NEXT));
  }
}
