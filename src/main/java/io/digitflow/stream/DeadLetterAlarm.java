package io.digitflow.stream;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

import io.smallrye.health.api.Wellness;

/**
 * The dead-letter alarm as a health check: DOWN while the share of dead-lettered records over the window
 * reaches the configured ratio. A wellness check (/q/health/well, and in /q/health), not readiness: bad
 * input is not this replica's fault, and taking every replica out of service would not stop it.
 */
@Wellness
@ApplicationScoped
public class DeadLetterAlarm implements HealthCheck {

    private final DeadLetterRate rate;

    public DeadLetterAlarm(DeadLetterRate rate) {
        this.rate = rate;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("dead-letter-rate")
                .status(!rate.alarm())
                .withData("ratio", String.format(java.util.Locale.ROOT, "%.4f", rate.ratio()))
                .withData("alarmRatio", String.valueOf(rate.alarmRatio()))
                .withData("window", rate.window().toString())
                .withData("recordsInWindow", rate.recordsInWindow())
                .build();
    }
}
