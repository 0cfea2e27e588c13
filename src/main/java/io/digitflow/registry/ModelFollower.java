package io.digitflow.registry;

import io.digitflow.kafka.ClientFactory;
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
 *
 * <p>Any principal that may write the topic could write anything, so every record is checked before it
 * touches the disk: a valid version name, an Ed25519 signature of the training role
 * ({@link ModelSignatures}), a description that names the record's own version. Whatever fails is
 * refused with an event and changes nothing; no record, however hostile, stops start-up or the follower.
 * Should the follower thread die anyway, {@link #failure()} says so and readiness goes DOWN.
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
    private final ModelSignatures signatures;
    private final Map<String, ModelMetadata> versions = new TreeMap<>();
    private volatile ActivePointer pointer;
    private volatile Throwable failure;
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
        this.signatures = ModelSignatures.of(config);
    }

    /** Reads the topic to its current end, serves the active version if there is one, then follows it. */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        // Model records are a few MB each; the default 1 MiB per partition would still work, one per fetch.
        consumer = ClientFactory.of(kafka).consumer("digitflow-models",
                Map.of(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, io.digitflow.kafka.Topics.MAX_RECORD_BYTES));
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

    /** Why the follower thread stopped following, when it did other than on shutdown; readiness reports it. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    private void follow() {
        try {
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
                    // A failure outside any one record (the broker, the disk): keep following.
                    Log.errorf(e, "Models topic: %s", e.getMessage());
                }
            }
        } catch (Throwable e) {
            // Records are handled one by one, each with its own catch: what lands here is the follower itself.
            died(e);
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                Log.debugf(e, "Closing the models consumer");
            }
        }
    }

    /** The follower can follow no longer: every later promotion would pass this replica by. */
    void died(Throwable e) {
        failure = e;
        Log.errorf(e, "Models topic: the follower stopped (%s); this replica no longer follows promotions and reports"
                + " not ready", e);
    }

    private void handle(ConsumerRecords<String, byte[]> records) {
        records.forEach(this::handle);
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        try {
            check(record);
        } catch (Refusal e) {
            Log.warnf("Models topic: refused record %s at offset %d: %s", printable(record.key()), record.offset(),
                    e.getMessage());
            swapEvent(false, "refused " + (ActivePointer.KEY.equals(record.key()) ? "pointer" : "model")
                    + " record " + printable(record.key()) + " at offset " + record.offset() + ": " + e.getMessage(),
                    Map.of("version", printable(record.key()), "offset", record.offset()));
        } catch (Throwable e) {
            // Whatever a record does (an Error of a parser included), the next record is still read.
            Log.errorf(e, "Models topic: record at offset %d", record.offset());
            swapEvent(false, "refused record at offset " + record.offset() + ": " + e,
                    Map.of("version", printable(record.key()), "offset", record.offset()));
        }
    }

    /** Why a record was refused; nothing was written. */
    private static final class Refusal extends Exception {
        Refusal(String message) {
            super(message, null, false, false);
        }
    }

    private void check(ConsumerRecord<String, byte[]> record) throws Refusal, java.io.IOException {
        if (record.key() == null) {
            throw new Refusal("no key");
        }
        if (record.value() == null || record.value().length == 0) {
            throw new Refusal("no value");
        }
        if (record.key().equals(ActivePointer.KEY)) {
            Optional<String> unsigned = signatures.verifyPointer(record.value(), record.headers());
            if (unsigned.isPresent()) {
                throw new Refusal(unsigned.get());
            }
            ActivePointer next;
            try {
                next = ModelRecords.pointer(record.value());
            } catch (java.io.IOException | RuntimeException e) {
                throw new Refusal("not a pointer (" + e.getMessage() + ")");
            }
            if (next == null) {
                throw new Refusal("not a pointer");
            }
            Optional<String> invalid = ModelStore.invalidVersion(next.version());
            if (invalid.isEmpty()) {
                invalid = next.history().stream().map(ModelStore::invalidVersion).flatMap(Optional::stream).findFirst();
            }
            if (invalid.isEmpty()) {
                invalid = next.candidate().flatMap(ModelStore::invalidVersion);
            }
            if (invalid.isPresent()) {
                throw new Refusal(invalid.get());
            }
            if (next.canary() != null && (next.canary().percent() < 1 || next.canary().percent() > 99)) {
                throw new Refusal("canary percent " + next.canary().percent() + " is not from 1 to 99");
            }
            if (next.candidate().filter(next.version()::equals).isPresent()) {
                throw new Refusal("the experiment's candidate " + next.version() + " is the serving version");
            }
            pointer = next;
            return;
        }
        Optional<String> invalid = ModelStore.invalidVersion(record.key());
        if (invalid.isPresent()) {
            throw new Refusal(invalid.get());
        }
        Header header = record.headers().lastHeader(ModelRecords.METADATA_HEADER);
        if (header == null || header.value() == null) {
            throw new Refusal("no " + ModelRecords.METADATA_HEADER + " header");
        }
        Optional<String> unsigned = signatures.verifyModel(record.key(), record.value(), header.value(), record.headers());
        if (unsigned.isPresent()) {
            throw new Refusal(unsigned.get());
        }
        ModelMetadata metadata;
        try {
            metadata = ModelRecords.metadata(header.value());
        } catch (java.io.IOException | RuntimeException e) {
            throw new Refusal("unreadable description (" + e.getMessage() + ")");
        }
        if (metadata == null || !record.key().equals(metadata.version())) {
            // Served under the name in model.json: it must be the signed record's own version.
            throw new Refusal("its description names version " + (metadata == null ? "none"
                    : printable(metadata.version())) + ", not " + record.key());
        }
        ModelRecords.materialize(store.pathOf(record.key()), record.value(), header.value());
        synchronized (this) {
            versions.put(record.key(), metadata);
        }
    }

    private static String printable(String text) {
        return text == null ? "(none)" : io.digitflow.model.ModelStore.invalidVersion(text).isEmpty() ? text
                : text.codePoints().limit(80).collect(StringBuilder::new, (b, c) -> b.append(c < 0x20 || c == 0x7f
                        ? String.format("\\u%04x", c) : new String(Character.toChars(c))), StringBuilder::append).toString();
    }

    /** Serves the pointer's version and runs its experiment (or none), loading what is not loaded yet. */
    private void applyPointer() {
        ActivePointer target = pointer;
        if (target == null || config.engine() == DigitflowConfig.Engine.CONSTANT) {
            return;
        }
        applyActive(target);
        applyExperiment(target);
    }

    /**
     * Starts, changes or ends the experiment the pointer names. A candidate that will not load is refused
     * like a serving version that will not: no experiment runs, the serving model is untouched.
     */
    private void applyExperiment(ActivePointer target) {
        Optional<String> candidate = target.candidate();
        if (candidate.isEmpty()) {
            if (models.experiment().isPresent()) {
                models.endExperiment();
                swapEvent(true, "experiment ended", Map.of());
            }
            return;
        }
        ServingModel.Experiment.Kind kind = target.shadow() != null ? ServingModel.Experiment.Kind.SHADOW
                : ServingModel.Experiment.Kind.CANARY;
        int percent = target.canary() == null ? 0 : target.canary().percent();
        Optional<ServingModel.Experiment> running = models.experiment();
        if (running.isPresent() && running.get().kind() == kind && running.get().percent() == percent
                && running.get().candidate().version().equals(candidate.get())) {
            return;
        }
        try {
            ModelArtifact artifact = running.filter(r -> r.candidate().version().equals(candidate.get()))
                    .flatMap(r -> r.candidate().artifact())
                    .orElseGet(() -> ModelArtifact.load(store.pathOf(candidate.get())));
            if (!artifact.version().equals(candidate.get())) {
                throw new IllegalStateException("its model.json names version " + artifact.version());
            }
            models.experiment(kind, artifact, percent);
        } catch (Throwable e) {
            models.endExperiment();
            refuse(candidate.get(), String.valueOf(e.getMessage()));
            return;
        }
        Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("experiment", kind.json());
        details.put("version", candidate.get());
        if (kind == ServingModel.Experiment.Kind.CANARY) {
            details.put("percent", percent);
        }
        swapEvent(true, kind.json() + " " + candidate.get() + (kind == ServingModel.Experiment.Kind.CANARY
                ? " on " + percent + " % of keys" : "") + " beside " + target.version(), details);
    }

    /** Loads and swaps in the pointer's version when it is not the one serving already. */
    private void applyActive(ActivePointer target) {
        if (models.active().map(a -> a.version().equals(target.version())).orElse(false)) {
            return;
        }
        Log.infof("Models topic: active is now %s; loading it", target.version());
        ModelArtifact artifact;
        try {
            artifact = ModelArtifact.load(store.pathOf(target.version()));
            if (!artifact.version().equals(target.version())) {
                throw new IllegalStateException("its model.json names version " + artifact.version());
            }
            models.activate(artifact);
        } catch (Throwable e) {
            // A model that will not load, of any kind of failure, is refused; the serving one stays.
            refuse(target.version(), String.valueOf(e.getMessage()));
            return;
        }
        swapEvent(true, "serving " + target.version(), Map.of("version", target.version()));
        prune(target);
    }

    /** Deletes versions and refused copies beyond digitflow.model.keep-versions; never the active one or its history. */
    private void prune(ActivePointer target) {
        try {
            java.util.Set<String> keep = new java.util.HashSet<>(target.history());
            keep.add(target.version());
            target.candidate().ifPresent(keep::add);
            java.util.List<String> deleted = store.prune(keep, config.model().keepVersions());
            if (!deleted.isEmpty()) {
                Log.infof("Deleted old model copies %s (digitflow.model.keep-versions=%d)", deleted,
                        config.model().keepVersions());
            }
        } catch (RuntimeException e) {
            Log.warnf("Could not prune %s: %s", store.folder(), e.getMessage());
        }
    }

    /**
     * A model that will not load (corrupt, wrong shape, missing) is refused: the serving model stays, the
     * refusal goes to the events topic, and the bad copy is moved aside so that a restart, which serves
     * the newest local model until the topic says otherwise, cannot pick it up.
     */
    private void refuse(String version, String why) {
        String serving = models.active().map(ServingModel.Active::version).orElse("none");
        Log.errorf("Models topic: refused model %s (%s); still serving %s", version, why, serving);
        store.quarantine(version);
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
