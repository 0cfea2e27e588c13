package io.digitflow.stream;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code images-stream}: DOWN, in liveness and readiness, once the images poll loop stopped by itself (outputs
 * the broker would not take within {@code digitflow.output.delivery-timeout}, a failed transaction): the replica
 * must be restarted to read the uncommitted records again. UP before serving starts and while it polls.
 */
@Liveness
@Readiness
@ApplicationScoped
public class StreamLiveness implements HealthCheck {

    public static final String NAME = "images-stream";

    private final ImagePolling polling;

    public StreamLiveness(ImagePolling polling) {
        this.polling = polling;
    }

    @Override
    public HealthCheckResponse call() {
        return polling.failure()
                .map(e -> HealthCheckResponse.named(NAME).down().withData("stopped", e.getClass().getSimpleName()
                        + ": " + e.getMessage()).build())
                .orElseGet(() -> HealthCheckResponse.named(NAME).up()
                        .withData("polling", polling.running()).build());
    }
}
