package io.digitflow.control;

import io.digitflow.config.DigitflowConfig;
import io.digitflow.model.ModelArtifact;
import io.digitflow.stream.ShadowScores;
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
    private final ShadowScores shadow;
    private final Optional<Double> minAgreement;
    private final int minShadowRecords;

    public Promotions(ModelPublisher publisher, ModelFollower follower, ServingModel models, ShadowScores shadow,
                      DigitflowConfig config) {
        this.publisher = publisher;
        this.follower = follower;
        this.models = models;
        this.shadow = shadow;
        this.minAgreement = config.training().minShadowAgreement();
        this.minShadowRecords = config.training().minShadowRecords();
    }

    /** True when a promotion needs live evidence (digitflow.training.min-shadow-agreement is set). */
    public boolean liveGate() {
        return minAgreement.isPresent();
    }

    /**
     * Publishes {@code candidate} on the models topic without making it active (and the serving model, when the
     * topic lacks it), so that it can be shadowed, run as a canary or promoted later.
     */
    public void publish(ModelArtifact candidate) {
        models.active().flatMap(ServingModel.Active::artifact)
                .filter(serving -> !follower.versions().containsKey(serving.version()))
                .ifPresent(publisher::publish);
        publisher.publish(candidate);
    }

    /**
     * Publishes {@code candidate} and makes it active. The serving model is published first when the
     * topic lacks it (a local model from before any promotion), so a rollback can return to it on
     * every replica, including ones that never had it on disk.
     */
    public ActivePointer promoteNew(ModelArtifact candidate) {
        publish(candidate);
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

    /**
     * The pointer a promote command publishes, checked, without publishing it: {@code version}, or without one
     * the candidate of the running shadow or canary. With the live gate on, the version must have been shadowed
     * on this replica on enough records, agreeing enough with the serving model.
     */
    public ActivePointer promotion(Optional<String> version) throws CommandRejected.Reason {
        String target = version.or(() -> current().flatMap(ActivePointer::candidate)).orElseThrow(() ->
                new CommandRejected.Reason("promote needs a \"version\": no shadow or canary runs"));
        ActivePointer next = promotion(target);
        Optional<String> refused = liveGateRefusal(target);
        if (refused.isPresent()) {
            throw new CommandRejected.Reason(refused.get());
        }
        return next;
    }

    /** Why the live gate refuses to promote {@code version}; empty when it passes or is off. */
    Optional<String> liveGateRefusal(String version) {
        if (minAgreement.isEmpty()) {
            return Optional.empty();
        }
        ShadowScores.Score score = shadow.score(version)
                .orElse(new ShadowScores.Score(version, 0, 0, 0, 0, 0, 0));
        if (score.scored() < minShadowRecords) {
            return Optional.of(String.format(java.util.Locale.ROOT, "live gate: %s was shadowed on %d records on "
                    + "this replica, fewer than %d (digitflow.training.min-shadow-records); send shadow %s first",
                    version, score.scored(), minShadowRecords, version));
        }
        if (score.agreement() < minAgreement.get()) {
            return Optional.of(String.format(java.util.Locale.ROOT, "live gate: %s agreed with the serving model on "
                    + "%.4f of %d shadowed records, below %.4f (digitflow.training.min-shadow-agreement)",
                    version, score.agreement(), score.scored(), minAgreement.get()));
        }
        return Optional.empty();
    }

    /**
     * The pointer a shadow or canary command publishes: the serving model unchanged, the experiment started,
     * changed, or ended ({@value ControlCommand#OFF}).
     */
    public ActivePointer experiment(ControlCommand command) throws CommandRejected.Reason {
        String version = command.version().orElseThrow();
        ActivePointer current = current().orElseThrow(() -> new CommandRejected.Reason("no model serves yet"));
        if (version.equals(ControlCommand.OFF)) {
            boolean running = command.type() == ControlCommand.Type.SHADOW ? current.shadow() != null
                    : current.canary() != null;
            if (!running) {
                throw new CommandRejected.Reason("no " + command.type().json() + " runs");
            }
            return current.withShadow(null);
        }
        requirePublished(version);
        if (version.equals(current.version())) {
            throw new CommandRejected.Reason("version " + version + " is the serving version");
        }
        return command.type() == ControlCommand.Type.SHADOW ? current.withShadow(version)
                : current.withCanary(new ActivePointer.Canary(version, command.percent()));
    }

    /** The pointer {@link #promote} would publish, checked, without publishing it. */
    public ActivePointer promotion(String version) throws CommandRejected.Reason {
        requirePublished(version);
        Optional<ActivePointer> current = current();
        if (current.isPresent() && current.get().version().equals(version)) {
            throw new CommandRejected.Reason("version " + version + " is already active");
        }
        return current.map(p -> p.promote(version)).orElse(new ActivePointer(version, List.of()));
    }

    private void requirePublished(String version) throws CommandRejected.Reason {
        if (!follower.versions().containsKey(version)) {
            throw new CommandRejected.Reason("version " + version + " is not on the models topic; "
                    + "only models that passed the quality gate are published");
        }
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

    /**
     * The pointer {@link #rollback} would publish, checked, without publishing it. While a shadow or canary runs,
     * a rollback without a version ends it and leaves the serving model as it is.
     */
    public ActivePointer rollbackTo(Optional<String> version) throws CommandRejected.Reason {
        ActivePointer current = current().orElseThrow(() -> new CommandRejected.Reason(
                "nothing to roll back: no model has been promoted through the models topic yet"));
        if (version.isEmpty() && current.candidate().isPresent()) {
            return current.withShadow(null);
        }
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
