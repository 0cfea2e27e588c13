package io.digitflow.serve;

import io.digitflow.kafka.ClientFactory;
import io.digitflow.registry.ServingModel;
import io.digitflow.config.DigitflowConfig;
import io.digitflow.kafka.ReplicaIdentity;
import io.digitflow.model.Trainer;
import io.digitflow.registry.ModelFollower;
import io.digitflow.stream.ClusterProbe;
import io.digitflow.stream.Delivery;
import io.digitflow.stream.ImagePolling;
import io.digitflow.stream.ImageStream;
import io.digitflow.stream.OutputProducer;
import io.digitflow.stream.PartitionOwnership;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.digitflow.stream.OutputLimits;
import io.digitflow.stream.RecordBounds;
import io.smallrye.common.annotation.Identifier;
import java.util.List;
import java.util.Map;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;

/**
 * Starts serving: the images poll loop starts only once a model is loaded (or trained), so no record is
 * ever polled without a model to classify it.
 */
@ApplicationScoped
public class StreamLifecycle {

    private final DigitflowConfig config;
    private final ServingModel models;
    private final ImagePolling polling;
    private final ModelFollower follower;
    private final PartitionOwnership ownership;
    private final OutputProducer output;
    private final ReplicaIdentity replica;
    private final ClusterProbe clusterProbe;
    private final Delivery delivery;
    private final ImageStream stream;
    private final io.digitflow.stream.LabelJoin labels;

    private final Map<String, Object> kafka;

    public StreamLifecycle(DigitflowConfig config, ServingModel models, ImagePolling polling,
                           ModelFollower follower, PartitionOwnership ownership, OutputProducer output,
                           @Identifier("default-kafka-broker") Map<String, Object> kafka, ReplicaIdentity replica,
                           ClusterProbe clusterProbe, Delivery delivery, ImageStream stream,
                           io.digitflow.stream.LabelJoin labels) {
        this.stream = stream;
        this.labels = labels;
        this.clusterProbe = clusterProbe;
        this.delivery = delivery;
        this.kafka = kafka;
        this.replica = replica;
        this.config = config;
        this.models = models;
        this.polling = polling;
        this.follower = follower;
        this.ownership = ownership;
        this.output = output;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.serve().autostart()) {
            start(new Trainer.Progress() {
            });
        }
    }

    /**
     * Serves the active model of the models topic if it names one, else the newest local model (or
     * trains one), then starts polling the images. The topic comes first so that a replica started
     * after a promotion never serves a stale local model.
     */
    public void start(Trainer.Progress trainingProgress) {
        // Readiness (kafka-cluster) has a view of the brokers before the first health request.
        clusterProbe.start();
        follower.start();
        models.ensureLoaded(trainingProgress);
        // Every output is built to fit the producer's max.request.size; the topics must take that much too.
        OutputLimits.check(ClientFactory.of(kafka), List.of(config.topics().predictions(),
                config.topics().deadLetters()), RecordBounds.of(config).maxOutputBytes(), Duration.ofSeconds(30));
        // Exactly-once: aborts a crashed predecessor's open transaction before reading, so the
        // consumer's committed offsets are stable; does nothing in at-least-once mode.
        Log.infof("Replica id %s (static group member, %s)", replica.id(), ReplicaIdentity.SETTING);
        output.initTransactions();
        Log.info(delivery.describe());
        // The first records then meet a compiled path and known partitions of the output topics.
        output.prefetchMetadata(List.of(config.topics().predictions(), config.topics().deadLetters()));
        int warmed = stream.warmUp(config.serve().warmUp());
        if (warmed > 0) {
            Log.infof("Warmed up the data path: %s (digitflow.serve.warm-up)", stream.warmedUp().orElse(""));
        }
        polling.start();
        labels.start();
    }

    /**
     * SIGTERM: stops polling, waits for the batches in flight, commits what they delivered and closes the
     * images consumer. The partitions' next owner then gets no record this replica already answered.
     */
    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        int pending = ownership.pending();
        Duration timeout = config.serve().drainTimeout();
        // The loop waits up to the drain timeout for the batches in flight, then commits and closes.
        polling.stop(timeout.plus(ImagePolling.CLOSE_TIMEOUT));
        if (polling.running()) {
            Log.warnf("The images consumer did not close within %s", timeout.plus(ImagePolling.CLOSE_TIMEOUT));
        } else if (pending > 0 && ownership.pending() == 0) {
            Log.infof("Drained %d poll batches in flight before leaving the group", pending);
        }
    }
}
