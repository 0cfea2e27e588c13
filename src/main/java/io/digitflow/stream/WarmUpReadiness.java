package io.digitflow.stream;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code warm-up}: DOWN while the data path runs on synthetic images before the images channel polls
 * ({@code digitflow.serve.warm-up}), so that traffic routed on readiness meets a compiled path.
 */
@Readiness
@ApplicationScoped
public class WarmUpReadiness implements HealthCheck {

    public static final String NAME = "warm-up";

    private final ImageStream stream;

    public WarmUpReadiness(ImageStream stream) {
        this.stream = stream;
    }

    @Override
    public HealthCheckResponse call() {
        if (stream.warmingUp()) {
            return HealthCheckResponse.named(NAME).down().withData("state", "running the data path on synthetic images")
                    .build();
        }
        return HealthCheckResponse.named(NAME).up()
                .withData("state", stream.warmedUp().map(done -> "done: " + done).orElse("not run")).build();
    }
}
