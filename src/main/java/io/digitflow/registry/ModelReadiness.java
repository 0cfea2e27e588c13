package io.digitflow.registry;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Ready only with a model loaded (its version and engine as data); Kafka's own readiness comes from
 * the messaging extension.
 */
@Readiness
@ApplicationScoped
public class ModelReadiness implements HealthCheck {

    private final ServingModel models;

    public ModelReadiness(ServingModel models) {
        this.models = models;
    }

    @Override
    public HealthCheckResponse call() {
        return models.active()
                .map(active -> HealthCheckResponse.named("model").up().withData("version", active.version())
                        .withData("engine", active.prototype().engine()).build())
                .orElseGet(() -> HealthCheckResponse.named("model").down().withData("version", "none").build());
    }
}
