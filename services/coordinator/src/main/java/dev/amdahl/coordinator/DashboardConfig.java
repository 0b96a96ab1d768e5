package dev.amdahl.coordinator;

import dev.amdahl.node.Env;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/**
 * The dashboard's settings, read once from the environment.
 *
 * @param localControlUrl where {@code ./amdahl local} takes cluster controls ({@code AMDAHL_LOCAL_CONTROL_URL}, a
 *                        loopback http URL); null when this cluster is not a local one, and the page shows no controls
 * @param maxClients      most browsers that may follow the live event stream at once ({@code AMDAHL_DASHBOARD_CLIENTS})
 */
record DashboardConfig(String localControlUrl, int maxClients) {
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]");

  static DashboardConfig from(Env env) {
    String url = env.string("AMDAHL_LOCAL_CONTROL_URL", null);
    if (url != null) {
      url = loopbackUrl(url);
    }
    return new DashboardConfig(url, env.integer("AMDAHL_DASHBOARD_CLIENTS", 32, 1, 1000));
  }

  boolean localControl() {
    return localControlUrl != null;
  }

  // The controls start and kill processes: they are only ever reached on this machine.
  private static String loopbackUrl(String raw) {
    try {
      URI uri = new URI(raw);
      if ("http".equals(uri.getScheme()) && uri.getHost() != null && LOOPBACK.contains(uri.getHost())) {
        return raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new IllegalArgumentException("AMDAHL_LOCAL_CONTROL_URL='" + raw + "' must be an http URL on loopback (127.0.0.1)");
  }
}
