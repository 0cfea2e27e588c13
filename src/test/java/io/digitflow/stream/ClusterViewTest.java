package io.digitflow.stream;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterViewTest {

    private static final Map<Integer, String> BROKERS = Map.of(1, "h:1", 2, "h:2", 3, "");
    private static final Map<String, List<Integer>> PARTITIONS = Map.of(
            "digits.predictions-0", List.of(1, 2, 3), "digits.predictions-1", List.of(2, 3, 1),
            "digits.images.dlq-0", List.of(3, 1, 2));

    @Test
    void oneBrokerOfThreeGoneLeavesEveryPartitionWritable() {
        ClusterView view = new ClusterView(true, null, BROKERS, Set.of(1, 2), PARTITIONS,
                Map.of("digits.predictions", 2, "digits.images.dlq", 2));
        assertThat(view.writable()).isTrue();
        assertThat(view.unreachable()).isEqualTo("3 (address unknown)");
    }

    @Test
    void twoBrokersOfThreeGoneStarveEveryPartitionBelowItsMinInsyncReplicas() {
        ClusterView view = new ClusterView(true, null, BROKERS, Set.of(1), PARTITIONS,
                Map.of("digits.predictions", 2, "digits.images.dlq", 2));
        assertThat(view.writable()).isFalse();
        assertThat(view.starved()).containsExactly(
                "digits.images.dlq-0 (1 of 3 replicas reachable, min.insync.replicas 2)",
                "digits.predictions-0 (1 of 3 replicas reachable, min.insync.replicas 2)",
                "digits.predictions-1 (1 of 3 replicas reachable, min.insync.replicas 2)");
        assertThat(view.unreachable()).isEqualTo("2 (h:2), 3 (address unknown)");
    }

    @Test
    void anUnreadableMinInsyncCountsAsOne() {
        ClusterView view = new ClusterView(true, null, BROKERS, Set.of(1), PARTITIONS, Map.of());
        assertThat(view.writable()).isTrue();
        assertThat(new ClusterView(true, null, BROKERS, Set.of(), PARTITIONS, Map.of()).starved()).hasSize(3);
    }

    @Test
    void noBrokerAnsweringIsNeverWritable() {
        ClusterView view = ClusterView.noAnswer("TimeoutException", Map.of(1, "h:1"));
        assertThat(view.writable()).isFalse();
        assertThat(view.unreachable()).isEqualTo("1 (h:1)");
    }
}
