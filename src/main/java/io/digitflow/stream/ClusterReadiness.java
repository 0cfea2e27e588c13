package io.digitflow.stream;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.List;

/**
 * {@code kafka-cluster}: DOWN while the outputs cannot be written, and says why: no broker answers, or
 * a partition of the predictions or dead-letter topic has fewer replicas on answering brokers than its
 * {@code min.insync.replicas} (two brokers of three gone). The stream then waits, nothing is
 * dead-lettered for it, and it goes on by itself when the brokers are back. Reports the last
 * {@link ClusterProbe} result, so it answers at once.
 */
@Readiness
@ApplicationScoped
public class ClusterReadiness implements HealthCheck {

    /** The check's name in /q/health/ready. */
    public static final String NAME = "kafka-cluster";

    private final ClusterProbe probe;

    public ClusterReadiness(ClusterProbe probe) {
        this.probe = probe;
    }

    @Override
    public HealthCheckResponse call() {
        probe.start();
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        ClusterProbe.Probed probed = probe.latest().orElse(null);
        if (probed == null) {
            return response.down().withData("brokers", "not probed yet").build();
        }
        ClusterView view = probed.view();
        response.withData("probed-ms-ago", Math.max(0, System.currentTimeMillis() - probed.atMillis()));
        String unreachable = view.unreachable();
        if (!unreachable.isEmpty()) {
            response.withData("unreachable-brokers", unreachable);
        }
        if (!view.answered()) {
            return response.down().withData("brokers", "none answers: " + view.problem())
                    .withData("outputs", "waiting for the cluster; nothing is dead-lettered for it").build();
        }
        List<String> starved = view.starved();
        if (!starved.isEmpty()) {
            return response.down().withData("outputs", "cannot be written (acks=all): " + String.join(", ", starved)
                    + "; waiting for the brokers, nothing is dead-lettered for it").build();
        }
        return response.up().withData("brokers", view.reachable().size() + " answering").build();
    }
}
