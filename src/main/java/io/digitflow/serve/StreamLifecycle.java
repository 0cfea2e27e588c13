package io.digitflow.serve;

import io.digitflow.config.DigitflowConfig;
import io.digitflow.model.Trainer;
import io.digitflow.models.ModelFollower;
import io.digitflow.stream.ImageStream;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.ChannelRegistry;
import io.smallrye.reactive.messaging.PausableChannel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Starts serving: the images channel starts paused, and is resumed only once a model is loaded
 * (or trained), so no record is ever polled without a model to classify it.
 */
@ApplicationScoped
public class StreamLifecycle {

    private final DigitflowConfig config;
    private final ModelService models;
    private final ChannelRegistry channels;
    private final ModelFollower follower;

    public StreamLifecycle(DigitflowConfig config, ModelService models, ChannelRegistry channels,
                           ModelFollower follower) {
        this.config = config;
        this.models = models;
        this.channels = channels;
        this.follower = follower;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.serve().autostart()) {
            start(new Trainer.Progress() {
            });
        }
    }

    /**
     * Serves the active model of the models topic if it names one, else the newest local model (or
     * trains one), then lets the images channel poll. The topic comes first so that a replica started
     * after a promotion never serves a stale local model.
     */
    public void start(Trainer.Progress trainingProgress) {
        follower.start();
        models.ensureLoaded(trainingProgress);
        PausableChannel images = channels.getPausable(ImageStream.CHANNEL);
        if (images == null) {
            throw new IllegalStateException("the images channel is not pausable; check mp.messaging.incoming."
                    + ImageStream.CHANNEL + ".pausable");
        }
        images.resume();
    }
}
