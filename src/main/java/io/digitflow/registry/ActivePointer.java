package io.digitflow.registry;

import java.util.ArrayList;
import java.util.List;

/**
 * The value of the {@code active} record in the models topic: the version every replica serves, and
 * the versions served before it (oldest first), which a rollback without a version returns to.
 */
public record ActivePointer(String version, List<String> history) {

    /** The key of the pointer record; model records are keyed by their version instead. */
    public static final String KEY = "active";

    public ActivePointer {
        history = List.copyOf(history);
    }

    /** Serving {@code next} from now on, this version going into the history. */
    public ActivePointer promote(String next) {
        List<String> older = new ArrayList<>(history);
        older.add(version);
        return new ActivePointer(next, older);
    }

    /** Back to the version served before this one; empty history means there is nothing to go back to. */
    public java.util.Optional<ActivePointer> rollback() {
        if (history.isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new ActivePointer(history.get(history.size() - 1),
                history.subList(0, history.size() - 1)));
    }
}
