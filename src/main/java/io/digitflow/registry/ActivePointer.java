package io.digitflow.registry;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The value of the {@code active} record in the models topic: the version every replica serves, the
 * versions served before it (oldest first), which a rollback without a version returns to, and the
 * experiment running beside it, if any: a candidate scored in shadow, or a canary serving a share of the keys.
 * One signed record, so every replica sees the serving model and its experiment change together.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ActivePointer(String version, List<String> history, String shadow, Canary canary) {

    /** The key of the pointer record; model records are keyed by their version instead. */
    public static final String KEY = "active";

    /** A candidate serving {@code percent} % of the keys on the main topic. */
    public record Canary(String version, int percent) {
    }

    public ActivePointer {
        history = List.copyOf(history);
        if (shadow != null && canary != null) {
            throw new IllegalArgumentException("a shadow and a canary at once");
        }
    }

    public ActivePointer(String version, List<String> history) {
        this(version, history, null, null);
    }

    /** Serving {@code next} from now on, this version going into the history; any experiment ends. */
    public ActivePointer promote(String next) {
        List<String> older = new ArrayList<>(history);
        older.add(version);
        return new ActivePointer(next, older);
    }

    /** Back to the version served before this one; empty history means there is nothing to go back to. */
    public Optional<ActivePointer> rollback() {
        if (history.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ActivePointer(history.get(history.size() - 1), history.subList(0, history.size() - 1)));
    }

    /** The same serving model with {@code candidate} scored in shadow (null: none). */
    public ActivePointer withShadow(String candidate) {
        return new ActivePointer(version, history, candidate, null);
    }

    /** The same serving model with a canary (null: none). */
    public ActivePointer withCanary(Canary next) {
        return new ActivePointer(version, history, null, next);
    }

    /** The version under experiment, shadow or canary. */
    public Optional<String> candidate() {
        return Optional.ofNullable(shadow != null ? shadow : canary != null ? canary.version() : null);
    }
}
