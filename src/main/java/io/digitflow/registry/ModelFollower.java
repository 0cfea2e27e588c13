package io.digitflow.registry;

import io.digitflow.kafka.ClientProperties;
import io.digitflow.kafka.TopicReader;
import io.digitflow.config.DigitflowConfig;
import io.digitflow.model.ModelArtifact;
import io.digitflow.model.ModelMetadata;
import io.digitflow.model.ModelStore;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads {@code digits.models} from the beginning and follows it, in every replica: each model record
 * is stored in the local model folder, and when the {@code active} pointer changes the named version
 * is loaded (shape checked), warmed up and swapped in through {@link ServingModel#activate}, on this
 * follower's own thread while inference goes on, and reported on {@code digits.events} under
 * {@value #SWAP_EVENTS}. No consumer group: every replica must see every record.
 */
@ApplicationScoped
public class ModelFollower {

    /** The request id under which replicas report each swap on the events topic, with themselves as replica. */
    public static final String SWAP_EVENTS = "model-swap";

    private final DigitflowConfig config;
    private final ServingModel models;
    private final Event<ModelSwap> swaps;
    private final Map<String, Object> kafka;
    private final ModelStore store;
    private final Map<String, ModelMetadata> versions = new TreeMap<>();
    private volatile ActivePointer pointer;
    private volatile boolean stopping;
    private KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    public ModelFollower(DigitflowConfig config, ServingModel models, Event<ModelSwap> swaps,
                         @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.config = config;
        this.models = models;
        this.swaps = swaps;
        this.kafka = kafka;
        this.store = new ModelStore(config.modelDir());
    }

    /** Reads the topic to its current end, serves the active version if there is one, then follows it. */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        Map<String, Object> props = ClientProperties.consumer(kafka);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Model records are a few MB each; the default 1 MiB per partition would still work, one per fetch.
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, io.digitflow.kafka.Topics.MAX_RECORD_BYTES);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumer = new KafkaConsumer<>(props);
        String topic = config.topics().models();
        if (TopicReader.readToEnd(consumer, topic, this::handle).isEmpty()) {
            Log.warnf("Topic %s does not exist: models are not distributed through Kafka", topic);
            consumer.close();
            return;
        }
        Log.infof("Read %s: %d model versions, active %s", topic, versionCount(),
                pointer == null ? "none yet" : pointer.version());
        applyPointer();
        thread = new Thread(this::follow, "digitflow-model-follower");
        thread.setDaemon(true);
        thread.start();
    }

    /** The latest pointer read, if any. */
    public Optional<ActivePointer> pointer() {
        return Optional.ofNullable(pointer);
    }

    /** Every version published so far, by version, with its metadata. */
    public synchronized Map<String, ModelMetadata> versions() {
        return Map.copyOf(versions);
    }

    private synchronized int versionCount() {
        return versions.size();
    }

    private void follow() {
        while (!stopping) {
            try {
                ActivePointer before = pointer;
                handle(consumer.poll(Duration.ofSeconds(1)));
                if (pointer != before) {
                    applyPointer();
                }
            } catch (WakeupException e) {
                break;
            } catch (RuntimeException e) {
                // A bad record or a model that will not load must not stop the follower: keep serving.
                Log.errorf(e, "Models topic: %s", e.getMessage());
            }
        }
        consumer.close(Duration.ofSeconds(5));
    }

    private void handle(ConsumerRecords<String, byte[]> records) {
        records.forEach(this::handle);
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null || record.value() == null) {
            return; // a tombstone or a foreign record
        }
        try {
            if (record.key().equals(ActivePointer.KEY)) {
                pointer = ModelRecords.pointer(record.value());
                return;
            }
            Header header = record.headers().lastHeader(ModelRecords.METADATA_HEADER);
            if (header == null) {
                Log.warnf("Models topic: record %s at offset %d has no %s header; skipped", record.key(),
                        record.offset(), ModelRecords.METADATA_HEADER);
                return;
            }
            ModelMetadata metadata = ModelRecords.metadata(header.value());
            ModelRecords.materialize(store.pathOf(record.key()), record.value(), header.value());
            synchronized (this) {
                versions.put(record.key(), metadata);
            }
        } catch (java.io.IOException e) {
            Log.warnf("Models topic: record %s at offset %d is unreadable (%s); skipped", record.key(),
                    record.offset(), e.getMessage());
            if (!record.key().equals(ActivePointer.KEY)) {
                swapEvent(false, "refused model record " + record.key() + " at offset "
                        + record.offset() + ": unreadable description (" + e.getMessage() + ")",
                        Map.of("version", record.key()));
            }
        }
    }

    /** Loads and swaps in the pointer's version when it is not the one serving already. */
    private void applyPointer() {
        ActivePointer target = pointer;
        if (target == null || config.engine().equals("constant")) {
            return;
        }
        if (models.active().map(a -> a.version().equals(target.version())).orElse(false)) {
            return;
        }
        Log.infof("Models topic: active is now %s; loading it", target.version());
        ModelArtifact artifact;
        try {
            artifact = ModelArtifact.load(store.pathOf(target.version()));
        } catch (RuntimeException e) {
            refuse(target.version(), e.getMessage());
            return;
        }
        models.activate(artifact);
        swapEvent(true, "serving " + target.version(), Map.of("version", target.version()));
    }

    /**
     * A model that will not load (corrupt, wrong shape, missing) is refused: the serving model stays, the
     * refusal goes to the events topic, and the bad copy is moved aside so that a restart, which serves
     * the newest local model until the topic says otherwise, cannot pick it up.
     */
    private void refuse(String version, String why) {
        String serving = models.active().map(ServingModel.Active::version).orElse("none");
        Log.errorf("Models topic: refused model %s (%s); still serving %s", version, why, serving);
        ModelRecords.quarantine(store.pathOf(version));
        swapEvent(false, "refused " + version + ": " + why + "; still serving " + serving,
                Map.of("version", version, "serving", serving));
    }

    /** Announces a swap or a refusal (reported on the events topic under {@value #SWAP_EVENTS} by the control plane). */
    private void swapEvent(boolean served, String message, Map<String, Object> details) {
        swaps.fire(new ModelSwap(served, message, details));
    }

    @PreDestroy
    void stop() {
        stopping = true;
        if (thread != null) {
            consumer.wakeup();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
