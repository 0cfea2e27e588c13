package io.digitflow.inference;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * One thread's own classifier for whatever model serves now: a copy of the serving prototype, replaced
 * (and the old one closed) when the serving version changes. Not thread-safe, like the classifier it holds.
 */
public final class FollowingClassifier implements AutoCloseable {

    private final Supplier<Optional<Classifier>> serving;
    private final Supplier<? extends RuntimeException> none;
    private Classifier current;

    /**
     * @param serving the serving model's prototype, empty while none is loaded
     * @param none    what {@link #get} throws while none is loaded
     */
    public FollowingClassifier(Supplier<Optional<Classifier>> serving, Supplier<? extends RuntimeException> none) {
        this.serving = serving;
        this.none = none;
    }

    /** This thread's classifier for the serving model. */
    public Classifier get() {
        return get(serving.get().orElseThrow(none));
    }

    /** This thread's classifier for {@code prototype}: the copy held, or a new copy when the version changed. */
    public Classifier get(Classifier prototype) {
        if (current == null || !current.version().equals(prototype.version())) {
            if (current != null) {
                current.close();
            }
            current = prototype.copy();
        }
        return current;
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
