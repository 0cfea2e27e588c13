package io.digitflow.stream;

import io.smallrye.health.api.Wellness;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import java.util.Locale;

/**
 * The drift of the predicted digits as a health check: DOWN while the recent predicted-digit distribution
 * is at least {@code digitflow.monitoring.drift-alarm} away from the serving model's on the test set. A
 * wellness check (/q/health/well, and in /q/health), like the dead-letter alarm: traffic that changed is
 * no reason to take a replica out of service.
 */
@Wellness
@ApplicationScoped
public class DriftCheck implements HealthCheck {

    public static final String NAME = "prediction-drift";

    private final LiveQuality quality;

    public DriftCheck(LiveQuality quality) {
        this.quality = quality;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder answer = HealthCheckResponse.named(NAME).status(!quality.driftAlarm())
                .withData("alarmDistance", String.valueOf(quality.driftAlarmLevel()))
                .withData("predictionsInWindow", quality.windowFill());
        quality.windowVersion().ifPresent(version -> answer.withData("comparedWith", version));
        quality.drift().ifPresentOrElse(
                drift -> answer.withData("distance", String.format(Locale.ROOT, "%.4f", drift)),
                () -> answer.withData("distance", "not measured yet (too few predictions, or no test-set figures)"));
        return answer.build();
    }
}
