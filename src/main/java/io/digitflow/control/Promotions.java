package io.digitflow.control;

import io.digitflow.model.ModelArtifact;
import io.digitflow.registry.ActivePointer;
import io.digitflow.registry.ModelFollower;
import io.digitflow.registry.ModelPublisher;
import io.digitflow.registry.ServingModel;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;

/**
 * Moves the {@code active} pointer of the models topic: promoting a new model, re-promoting a
 * published one, rolling back. Every replica's {@link ModelFollower} then swaps.
 */
@ApplicationScoped
public class Promotions {

    private final ModelPublisher publisher;
    private final ModelFollower follower;
    private final ServingModel models;

    public Promotions(ModelPublisher publisher, ModelFollower follower, ServingModel models) {
        this.publisher = publisher;
        this.follower = follower;
        this.models = models;
    }

    /**
     * Publishes {@code candidate} and makes it active. The serving model is published first when the
     * topic lacks it (a local model from before any promotion), so a rollback can return to it on
     * every replica, including ones that never had it on disk.
     */
    public ActivePointer promoteNew(ModelArtifact candidate) {
        models.active().flatMap(ServingModel.Active::artifact)
                .filter(serving -> !follower.versions().containsKey(serving.version()))
                .ifPresent(publisher::publish);
        publisher.publish(candidate);
        ActivePointer next = current().map(p -> p.promote(candidate.version()))
                .orElse(new ActivePointer(candidate.version(), List.of()));
        publisher.activate(next);
        return next;
    }

    /** Makes a published version active again. */
    public ActivePointer promote(String version) throws CommandRejected.Reason {
        ActivePointer next = promotion(version);
        publisher.activate(next);
        return next;
    }

    /** The pointer {@link #promote} would publish, checked, without publishing it. */
    public ActivePointer promotion(String version) throws CommandRejected.Reason {
        if (!follower.versions().containsKey(version)) {
            throw new CommandRejected.Reason("version " + version + " is not on the models topic; "
                    + "only models that passed the quality gate are published");
        }
        Optional<ActivePointer> current = current();
        if (current.isPresent() && current.get().version().equals(version)) {
            throw new CommandRejected.Reason("version " + version + " is already active");
        }
        return current.map(p -> p.promote(version)).orElse(new ActivePointer(version, List.of()));
    }

    /** Publishes a pointer from {@link #promotion} or {@link #rollbackTo}. */
    public ActivePointer activate(ActivePointer next) {
        publisher.activate(next);
        return next;
    }

    /** Back to the version served before the active one, or to {@code version} if it was served earlier. */
    public ActivePointer rollback(Optional<String> version) throws CommandRejected.Reason {
        return activate(rollbackTo(version));
    }

    /** The pointer {@link #rollback} would publish, checked, without publishing it. */
    public ActivePointer rollbackTo(Optional<String> version) throws CommandRejected.Reason {
        ActivePointer current = current().orElseThrow(() -> new CommandRejected.Reason(
                "nothing to roll back: no model has been promoted through the models topic yet"));
        ActivePointer next;
        if (version.isEmpty()) {
            next = current.rollback().orElseThrow(() -> new CommandRejected.Reason(
                    "nothing to roll back to: " + current.version() + " is the first active version"));
        } else {
            int at = current.history().lastIndexOf(version.get());
            if (at < 0) {
                throw new CommandRejected.Reason("version " + version.get() + " was not active before "
                        + current.version() + "; use promote for a version that never served");
            }
            next = new ActivePointer(version.get(), current.history().subList(0, at));
        }
        return next;
    }

    /** The pointer as this replica last read it, else the model it serves from before any promotion. */
    public Optional<ActivePointer> current() {
        return follower.pointer().or(() -> models.active().flatMap(ServingModel.Active::artifact)
                .map(a -> new ActivePointer(a.version(), List.of())));
    }
}
