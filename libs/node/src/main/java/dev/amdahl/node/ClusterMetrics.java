package dev.amdahl.node;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What every node measures about the cluster and itself: members by role and version, members
 * joining and leaving, and its own state. Member counts are taken when the metrics are
 * scraped, at most every two seconds ({@link NodeRuntime#measureWhenScraped}).
 */
final class ClusterMetrics {
  private static final long REFRESH_MILLIS = 2000;

  private final HazelcastInstance hazelcast;
  private final MeterRegistry registry;
  private final MultiGauge members;

  private ClusterMetrics(NodeRuntime node) {
    this.hazelcast = node.grid().hazelcast();
    this.registry = node.metrics();
    this.members = MultiGauge.builder(MetricNames.MEMBERS).register(registry);
  }

  static void bind(NodeRuntime node) {
    ClusterMetrics metrics = new ClusterMetrics(node);
    for (NodeState state : NodeState.values()) {
      Gauge.builder(MetricNames.NODE_STATE, node, n -> n.state() == state ? 1 : 0)
          .tag("state", state.name())
          .register(metrics.registry);
    }
    metrics.countMembershipChanges();
    node.measureWhenScraped(REFRESH_MILLIS, metrics::countMembers);
  }

  private void countMembers() {
    Map<Tags, Integer> counts = new HashMap<>();
    for (Member member : hazelcast.getCluster().getMembers()) {
      counts.merge(Tags.of("role", attribute(member, HazelcastSetup.ATTR_ROLE),
          "member_version", attribute(member, HazelcastSetup.ATTR_VERSION)), 1, Integer::sum);
    }
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    counts.forEach((tags, count) -> rows.add(MultiGauge.Row.of(tags, count)));
    members.register(rows, true);
  }

  private void countMembershipChanges() {
    for (Role role : Role.values()) {
      changes(role.label(), "joined");
      changes(role.label(), "left");
    }
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        changes(attribute(event.getMember(), HazelcastSetup.ATTR_ROLE), "joined").increment();
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        changes(attribute(event.getMember(), HazelcastSetup.ATTR_ROLE), "left").increment();
      }
    });
  }

  private Counter changes(String role, String change) {
    return registry.counter(MetricNames.MEMBERSHIP_CHANGES, "role", role, "change", change);
  }

  private static String attribute(Member member, String name) {
    String value = member.getAttribute(name);
    return value == null ? "unknown" : value;
  }
}
