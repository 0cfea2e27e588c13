package io.digitflow.control;

import io.digitflow.registry.ModelFollower;
import io.digitflow.registry.ModelSwap;
import io.digitflow.stream.ShadowScores;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Puts this replica's model swaps and refusals on the events topic, under {@value ModelFollower#SWAP_EVENTS}, and
 * its periodic shadow figures under {@value #SHADOW_EVENTS}.
 */
@ApplicationScoped
public class SwapReports {

    /** The request id of the shadow reports. */
    public static final String SHADOW_EVENTS = "shadow";

    private final EventPublisher events;

    public SwapReports(EventPublisher events) {
        this.events = events;
    }

    void on(@jakarta.enterprise.event.ObservesAsync ShadowScores.ShadowReport report) {
        ShadowScores.Score score = report.score();
        events.publish(ControlEvent.of(SHADOW_EVENTS, "shadow", ControlEvent.PROGRESS, String.format(
                java.util.Locale.ROOT, "shadow %s: %d records scored, agreement %.4f, %d skipped", score.version(),
                score.scored(), score.agreement(), score.skipped()), score.details()));
    }

    void on(@Observes ModelSwap swap) {
        events.publish(ControlEvent.of(ModelFollower.SWAP_EVENTS, "swap",
                swap.served() ? ControlEvent.DONE : ControlEvent.FAILED, swap.message(), swap.details()));
    }
}
