package dev.amdahl.coordinator;

import dev.amdahl.node.Env;
import dev.amdahl.node.NodeConfig;
import dev.amdahl.node.Role;

/**
 * A coordinator's settings, read once from the environment.
 *
 * @param node          the settings every node has (health and metrics on {@code AMDAHL_HTTP_PORT})
 * @param apiPort       the API's and dashboard's port ({@code AMDAHL_API_PORT})
 * @param token         the bearer token the API requires ({@code AMDAHL_TOKEN}; generated and logged when unset)
 * @param bodyLimit     largest request body accepted, in bytes ({@code AMDAHL_BODY_LIMIT})
 * @param maxAttempts   attempts a task gets before it fails its job ({@code AMDAHL_MAX_ATTEMPTS})
 * @param pulseMillis   how often the coordinator pulses ({@code AMDAHL_PULSE_MS})
 * @param submitRate    jobs per second one client may submit on average ({@code AMDAHL_SUBMIT_RATE})
 * @param submitBurst   jobs one client may submit at once ({@code AMDAHL_SUBMIT_BURST})
 */
public record CoordinatorConfig(NodeConfig node, int apiPort, String token, int bodyLimit, int maxAttempts,
                                long pulseMillis, double submitRate, int submitBurst) {

  public static CoordinatorConfig from(Env env) {
    return new CoordinatorConfig(
        NodeConfig.from(env, Role.COORDINATOR, 0),
        env.integer("AMDAHL_API_PORT", 8080, 0, 65535),
        env.string("AMDAHL_TOKEN", null),
        env.integer("AMDAHL_BODY_LIMIT", 64 * 1024, 1024, 16 * 1024 * 1024),
        env.integer("AMDAHL_MAX_ATTEMPTS", 3, 1, 100),
        env.longValue("AMDAHL_PULSE_MS", 1000, 50, 60_000),
        env.decimal("AMDAHL_SUBMIT_RATE", 20.0, 0.01, 100_000),
        env.integer("AMDAHL_SUBMIT_BURST", 100, 1, 1_000_000));
  }
}
