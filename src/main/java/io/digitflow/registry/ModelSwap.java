package io.digitflow.registry;

import java.util.Map;

/**
 * A CDI event: this replica swapped in the model the models topic names ({@code served}), or refused
 * one and kept serving what it served. The follower announces it; whoever reports swaps observes it.
 */
public record ModelSwap(boolean served, String message, Map<String, Object> details) {
}
