package io.digitflow.stream;

import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code images-assignment}: DOWN until the images consumer has its partitions, or knows the group
 * has none to give it. A replica restarted after a crash used to report ready while it waited out the
 * dead member's session with no partition; now ready means it predicts (or is idle on purpose: a
 * replica beyond the partition count is ready and says so).
 */
@Readiness
@ApplicationScoped
public class AssignmentReadiness implements HealthCheck {

    /** The check's name in /q/health/ready. */
    public static final String NAME = "images-assignment";

    private final PartitionOwnership ownership;

    public AssignmentReadiness(PartitionOwnership ownership) {
        this.ownership = ownership;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        if (!ownership.assignmentKnown()) {
            return response.down().withData("partitions", "waiting for the images consumer group to assign them")
                    .build();
        }
        Set<TopicPartition> owned = ownership.owned();
        if (owned.isEmpty()) {
            return response.up().withData("partitions", "none")
                    .withData("idle", "the group has no partition for this replica (more replicas than partitions)")
                    .build();
        }
        return response.up().withData("partitions", owned.stream().map(TopicPartition::toString).sorted()
                .collect(Collectors.joining(","))).build();
    }
}
