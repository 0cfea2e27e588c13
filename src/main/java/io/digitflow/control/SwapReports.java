package io.digitflow.control;

import io.digitflow.registry.ModelFollower;
import io.digitflow.registry.ModelSwap;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Puts this replica's model swaps and refusals on the events topic, under {@value ModelFollower#SWAP_EVENTS}. */
@ApplicationScoped
public class SwapReports {

    private final EventPublisher events;

    public SwapReports(EventPublisher events) {
        this.events = events;
    }

    void on(@Observes ModelSwap swap) {
        events.publish(ControlEvent.of(ModelFollower.SWAP_EVENTS, "swap",
                swap.served() ? ControlEvent.DONE : ControlEvent.FAILED, swap.message(), swap.details()));
    }
}
