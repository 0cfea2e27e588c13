package io.digitflow.serve;

import io.digitflow.config.DigitflowConfig;
import io.digitflow.model.Trainer;
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

    public StreamLifecycle(DigitflowConfig config, ModelService models, ChannelRegistry channels) {
        this.config = config;
        this.models = models;
        this.channels = channels;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.serve().autostart()) {
            start(new Trainer.Progress() {
            });
        }
    }

    /** Loads (or trains) the model, then lets the images channel poll. */
    public void start(Trainer.Progress trainingProgress) {
        models.ensureLoaded(trainingProgress);
        PausableChannel images = channels.getPausable(ImageStream.CHANNEL);
        if (images == null) {
            throw new IllegalStateException("the images channel is not pausable; check mp.messaging.incoming."
                    + ImageStream.CHANNEL + ".pausable");
        }
        images.resume();
    }
}
