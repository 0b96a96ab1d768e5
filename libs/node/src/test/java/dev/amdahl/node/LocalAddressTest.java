package dev.amdahl.node;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LocalAddressTest {

  @Test
  void picksTheAddressThatRoutesToTheSeeds() {
    assertEquals("127.0.0.1", LocalAddress.towards(List.of("127.0.0.1:5701")));
  }

  @Test
  void skipsSeedsThatDoNotResolve() {
    assertEquals("127.0.0.1", LocalAddress.towards(List.of("no-such-seed.invalid:5701", "127.0.0.1")));
  }

  @Test
  void fallsBackToTheHostsOwnAddressWhenNoSeedResolves() throws Exception {
    assertEquals(InetAddress.getLocalHost().getHostAddress(), LocalAddress.towards(List.of("nothing-here.invalid")));
  }

  @Test
  void nodeBoundToEveryInterfaceAdvertisesTheRoutedAddress() {
    NodeConfig config = NodeConfig.from(new Env(java.util.Map.of(
        "AMDAHL_HOST", "0.0.0.0", "AMDAHL_SEEDS", "127.0.0.1:5701")), Role.WORKER, 0);
    assertEquals("127.0.0.1", config.advertisedHost());
    assertEquals("127.0.0.1", HazelcastSetup.config(config).getNetworkConfig().getPublicAddress());
  }
}
