package io.digitflow.stream;

import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Ready means the images consumer has its partitions, or knows there are none for it. */
class AssignmentReadinessTest {

    private final PartitionOwnership ownership = new PartitionOwnership();
    private final AssignmentReadiness readiness = new AssignmentReadiness(ownership);

    @Test
    void downBeforeTheFirstAssignment() {
        HealthCheckResponse response = readiness.call();
        assertThat(response.getName()).isEqualTo("images-assignment");
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
    }

    @Test
    void upWithItsPartitions() {
        ownership.assigned(Map.of(new TopicPartition("digits.images", 1), 0L, new TopicPartition("digits.images", 0), 5L));
        HealthCheckResponse response = readiness.call();
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(response.getData()).hasValueSatisfying(data ->
                assertThat(data.get("partitions")).isEqualTo("digits.images-0,digits.images-1"));
    }

    @Test
    void aReplicaBeyondThePartitionCountIsReadyAndSaysItIsIdle() {
        ownership.assigned(Map.of());
        HealthCheckResponse response = readiness.call();
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(response.getData()).hasValueSatisfying(data -> assertThat(data).containsKey("idle"));
    }
}
