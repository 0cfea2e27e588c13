package io.digitflow.registry;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * DOWN once the models follower has died: such a replica would go on serving an old model while every
 * other one swaps, so it must not look healthy (an orchestrator restarts or stops routing to it).
 */
@Readiness
@ApplicationScoped
public class FollowerReadiness implements HealthCheck {

    private final ModelFollower follower;

    public FollowerReadiness(ModelFollower follower) {
        this.follower = follower;
    }

    @Override
    public HealthCheckResponse call() {
        return follower.failure()
                .map(e -> HealthCheckResponse.named("models-follower").down().withData("error", String.valueOf(e)).build())
                .orElseGet(() -> HealthCheckResponse.named("models-follower").up().build());
    }
}
