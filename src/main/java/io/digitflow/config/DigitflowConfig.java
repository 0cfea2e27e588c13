package io.digitflow.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Every digitflow setting, under the prefix {@code digitflow}. */
@ConfigMapping(prefix = "digitflow")
public interface DigitflowConfig {

    /** Folder for models, downloaded data, the local broker's data and extracted native libraries. */
    Path home();

    Data data();

    Model model();

    Topics topics();

    Batch batch();

    Input input();

    Serve serve();

    Output output();

    Training training();

    Shadow shadow();

    Control control();

    DeadLetterAlarm deadLetterAlarm();

    Monitoring monitoring();

    Console console();

    OpenInference openInference();

    /** The consumer group of the images topic: replicas in one group share its partitions. */
    @WithDefault(CONSUMER_GROUP)
    String consumerGroup();

    /** Default of {@link #consumerGroup()}. */
    String CONSUMER_GROUP = "digitflow";

    /**
     * What a crash may do to the outputs: {@code at-least-once} (a poll batch's offsets are committed
     * once the broker has its outputs; a crash repeats the records after the last commit) or
     * {@code exactly-once} (each poll batch's predictions, dead letters and input offsets in one Kafka
     * transaction; consumers of the outputs must read with isolation.level=read_committed).
     */
    @WithDefault("at-least-once")
    Delivery delivery();

    /**
     * This replica's identity among the replicas of one consumer group: its static group membership
     * ({@code group.instance.id} in the images and control groups) and the default transactional.id.
     * Must be unique among live replicas and stable across restarts of the same replica: in Kubernetes
     * the StatefulSet pod name ({@code DIGITFLOW_REPLICA_ID} from {@code metadata.name}). 1-64
     * characters of {@code A-Z a-z 0-9 . _ -}. Default: {@code <host>-<home hash>-<slot>}, the slot the
     * lowest free one claimed by a file lock in {@code <home>/replicas/}, so processes on one home never
     * share it and a restarted process gets its slot back.
     */
    Optional<String> replicaId();

    /**
     * Exactly-once only: this replica's transactional.id, unique among the replicas and stable across
     * its restarts, so that a restarted replica aborts at once the transaction its predecessor left
     * open. Default {@code <consumer-group>-<replica-id>} (see {@link #replicaId()}).
     */
    Optional<String> transactionalId();

    /** The values of {@code digitflow.delivery}. */
    enum Delivery {
        AT_LEAST_ONCE, EXACTLY_ONCE
    }

    /**
     * The inference engine: {@code auto} (the native kernel when it loads and passes its self-test
     * against ND4J, else ND4J), {@code native} (fail at start when it cannot run), {@code nd4j}, or
     * {@code constant} (answers 0, only to measure the Kafka-only ceiling).
     */
    @WithDefault("auto")
    Engine engine();

    /** The values of {@code digitflow.engine}. */
    enum Engine {
        /** The native kernel when it loads and passes its self-test against ND4J, else ND4J. */
        AUTO,
        /** The native kernel; the start fails when it cannot run. */
        NATIVE,
        /** DeepLearning4J / ND4J, the reference. */
        ND4J,
        /** No model at all: every image is answered 0; only to measure the Kafka path alone. */
        CONSTANT
    }

    /**
     * The native kernel's path: {@code auto} (the fastest fp32 path this CPU runs), or one of
     * {@code plain}, {@code avx2}, {@code avx512} (fp32), {@code avx512-bf16}, {@code avx512-vnni}
     * (quantised first layer: faster, argmax equal to ND4J's on 99.9 % of the test set).
     */
    @WithDefault("auto")
    String nativePath();

    /** Topic names; every topic is configurable. */
    interface Topics {
        /** Default of {@link #images()}. */
        String IMAGES = "digits.images";
        /** Default of {@link #predictions()}. */
        String PREDICTIONS = "digits.predictions";
        /** Default of {@link #deadLetters()}. */
        String DEAD_LETTERS = "digits.images.dlq";
        /** Default of {@link #control()}. */
        String CONTROL = "digits.control";
        /** Default of {@link #models()}. */
        String MODELS = "digits.models";
        /** Default of {@link #events()}. */
        String EVENTS = "digits.events";
        /** Default of {@link #labeled()}. */
        String LABELED = "digits.labeled";
        /** Default of {@link #shadowPredictions()}. */
        String SHADOW_PREDICTIONS = "digits.predictions.shadow";
        /** Default of {@link #imagesPartitions()}. */
        int IMAGES_PARTITIONS = 3;

        /** Images to classify; its partitions are the unit of parallelism. */
        @WithDefault(IMAGES)
        String images();

        /** One prediction per image, keyed like the input. */
        @WithDefault(PREDICTIONS)
        String predictions();

        /** Records that could not be classified, untouched, with the reason in headers. */
        @WithDefault(DEAD_LETTERS)
        String deadLetters();

        /** Operator commands (retrain, promote, rollback, status, cancel); one partition. */
        @WithDefault(CONTROL)
        String control();

        /** Model artifacts keyed by version plus the {@code active} pointer; compacted. */
        @WithDefault(MODELS)
        String models();

        /** Outcomes of commands (accepted, progress, done, rejected), keyed by request id. */
        @WithDefault(EVENTS)
        String events();

        /** Labelled images that retraining adds to MNIST. */
        @WithDefault(LABELED)
        String labeled();

        /** A shadow candidate's predictions (shadow command): keyed like the input, never on the main topic. */
        @WithDefault(SHADOW_PREDICTIONS)
        String shadowPredictions();

        /** Partitions of the images topic when digitflow creates it. */
        @WithDefault("" + IMAGES_PARTITIONS)
        int imagesPartitions();
    }

    /** How records are grouped for the engine. */
    interface Batch {
        /** Most images per engine call; ND4J's throughput flattens out around 512. */
        @WithDefault("512")
        int maxSize();

        /**
         * How long the broker may hold a fetch to fill a batch (consumer fetch.max.wait.ms, with
         * fetch.min.bytes = max-size images). 0: no waiting for a fuller batch, a long poll that answers as soon
         * as one image is there (and costs nothing while the topic is quiet). Longer: fuller batches at
         * moderate load, for that much latency, and a quiet topic fetched about every max-wait.
         */
        @WithDefault("0s")
        Duration maxWait();

        /** Poll batches whose outputs may be awaiting the broker's acknowledgement at once (bounds memory). */
        @WithDefault("4")
        int maxInFlight();
    }

    /** Limits on what one input record may cost: a security boundary as much as a sanity check. */
    interface Input {
        /**
         * Largest record accepted, key + value + headers; larger ones are dead-lettered unread (the dead
         * letter keeps at most this many bytes of the value). Outputs repeat the headers (a dead letter the
         * whole record), so keep it well under the producer's and topics' 1 MiB defaults.
         */
        @WithDefault("524288")
        int maxRecordBytes();

        /**
         * Most headers an image record may carry; more are dead-lettered (too-many-headers) unread.
         * Every header costs framing and work even when empty, and a prediction repeats them.
         */
        @WithDefault("64")
        int maxHeaders();

        /** Largest picture width or height accepted, read from the header before any pixel is decoded. */
        @WithDefault("4096")
        int maxPictureSide();

        /** Largest picture area (width x height) accepted: the guard against decompression bombs. */
        @WithDefault("16777216")
        long maxPicturePixels();

        /** Deepest JSON nesting accepted (at least 3, what {"pixels": [[...]]} needs); deeper costs only stack and time. */
        @WithDefault("8")
        int maxJsonDepth();
    }

    /** The alarm on the share of image records dead-lettered (metric digitflow_dead_letters_alarm, /q/health/well). */
    interface DeadLetterAlarm {
        /** Share of records dead-lettered over the window, in (0, 1], at which the alarm fires. */
        @WithDefault("0.5")
        double ratio();

        /** The sliding window the share is measured over. */
        @WithDefault("1m")
        Duration window();

        /** Fewest records in the window before the alarm may fire: a few bad records in a quiet minute are no flood. */
        @WithDefault("100")
        long minRecords();
    }

    /**
     * What the served predictions look like: live accuracy on labelled records, the predicted digits, the
     * confidence, and the drift of the predicted-digit distribution from the one the serving model produced
     * on the MNIST test set (metrics digitflow_live_*, digitflow_prediction_*, /q/health/well).
     */
    interface Monitoring {
        /** A prediction whose probability is below this counts as low-confidence (digitflow_predictions_low_confidence). */
        @WithDefault("0.9")
        double lowConfidence();

        /** How many recent predictions the drift is measured over (at least 100, at most 1,000,000). */
        @WithDefault("5000")
        int driftWindow();

        /**
         * Total variation distance, in (0, 1], between the recent predicted-digit distribution and the serving
         * model's on the test set at which the drift check goes DOWN. Windows of real MNIST test digits are 0.01-0.02 away.
         */
        @WithDefault("0.2")
        double driftAlarm();

        /** Model versions with live-accuracy series kept; the oldest are dropped beyond this. */
        @WithDefault("16")
        int maxModelSeries();

        /**
         * Recent predictions (key, model, digit) each replica keeps to join with labels arriving later on the
         * labelled topic, for live accuracy; 0 turns the join off. About 100 bytes each.
         */
        @WithDefault("100000")
        int labelJoinKeys();

        /** How long after its prediction a label on the labelled topic still counts. */
        @WithDefault("10m")
        Duration labelJoinWindow();
    }

    /** The predictions and dead letters the service writes. */
    interface Output {
        /**
         * Producer compression of predictions and dead letters: none, lz4, zstd, snappy or gzip. The
         * producer compresses on the inference thread, and Kafka's lz4 is pure Java: with the broker
         * on the same two cores, lz4 cost a sixth of the service's CPU. Where predictions cross a real
         * network, zstd (native) or lz4 saves bandwidth instead.
         */
        @WithDefault("none")
        String compression();

        /**
         * How long an output may wait for a broker that cannot take it (leader gone, broker restarting)
         * before the stream gives up and stops (health DOWN). Meanwhile the service stops polling once
         * digitflow.batch.max-in-flight batches wait: back-pressure, not unbounded buffering.
         */
        @WithDefault("10m")
        Duration deliveryTimeout();

        /**
         * The output producer's max.request.size, and so the largest prediction or dead letter written
         * (at least 65536). An output that would be larger is replaced by its bounded dead letter
         * (record-too-large). Checked at start against max.message.bytes of the predictions and
         * dead-letter topics: serve refuses to start if a topic would refuse what the producer sends.
         */
        @WithDefault("1048576")
        int maxRequestBytes();

        /**
         * CloudEvents 1.0 headers (Kafka binary mode: ce_specversion, ce_id = the input's topic-partition-offset,
         * ce_source, ce_type, ce_time) on every prediction, for consumers that route or deduplicate CloudEvents.
         */
        @WithDefault("false")
        boolean cloudEvents();
    }

    /** Retraining through the control topic: bounds on a command and the quality gate. */
    interface Training {
        /** A retrained model is promoted only with at least this test accuracy. */
        @WithDefault("0.97")
        double minAccuracy();

        /** ... and only if its test accuracy is at most this much below the serving model's. */
        @WithDefault("0.005")
        double maxAccuracyDrop();

        /** Most epochs one retrain command may ask for, so one command cannot hold the service for hours. */
        @WithDefault("50")
        int maxEpochs();

        /** Largest mini-batch a retrain command may ask for. */
        @WithDefault("2048")
        int maxBatchSize();

        /**
         * Share of the training thread's wall time spent computing (0-1]; it rests the rest between
         * steps so inference on the same cores keeps serving. 1 = no rest.
         */
        @WithDefault("0.5")
        double cpuShare();

        /**
         * The live gate: when set, promoting a version needs this replica to have scored it in shadow on
         * at least {@link #minShadowRecords()} records and agreed with the serving model on at least this
         * share of them; and a retrain then only publishes its model (it cannot be shadowed yet), never promotes it.
         */
        Optional<Double> minShadowAgreement();

        /** Records a version must have been shadowed on before the live gate lets it be promoted. */
        @WithDefault("1000")
        int minShadowRecords();
    }

    /** Scoring a candidate model beside the serving one (shadow and canary commands). */
    interface Shadow {
        /**
         * A poll batch whose newest record is older than this (the stream is behind) is not scored in shadow;
         * counted in digitflow_shadow_skipped_total. Serving comes first.
         */
        @WithDefault("5s")
        Duration maxLag();

        /** How often each replica reports its shadow figures on the events topic (request id "shadow"). */
        @WithDefault("30s")
        Duration reportInterval();
    }

    /** Who may steer the service through the control topic, besides the broker's ACLs. */
    interface Control {
        /**
         * Shared secret (at least 32 characters; env DIGITFLOW_CONTROL_HMAC_SECRET) for HMAC-SHA256
         * signatures of control commands. When set, every command must be signed (the CLI signs with it);
         * unsigned, wrongly signed, stale and replayed commands are rejected. Unset: no signatures.
         */
        Optional<String> hmacSecret();

        /**
         * How far a signed command's timestamp may be from the receiving replica's clock, either way.
         * Older ones are rejected as replays, so a command must also be handled within this time.
         */
        @WithDefault("5m")
        Duration maxClockSkew();
    }

    /** The web console at {@code /} on the HTTP port (see io.digitflow.web). */
    interface Console {
        /** Serve the console page and its endpoints. */
        @WithDefault("true")
        boolean enabled();

        /**
         * The credential for operator actions from the page (retrain, promote, rollback), which the
         * page sends as {@code Authorization: Bearer <token>}; env DIGITFLOW_CONSOLE_OPERATOR_TOKEN.
         * Unset: the console is read-only and says so.
         */
        Optional<String> operatorToken();

        /** Pages following the live stream at once; more are answered 503. */
        @WithDefault("16")
        int maxClients();

        /** Pictures "try it" sends to the images topic per second, over all pages; more are answered 429. */
        @WithDefault("5")
        int tryPerSecond();
    }

    /**
     * The Open Inference Protocol (v2) over HTTP on the service's port ({@code /v2/...}): what KServe,
     * Triton and Seldon clients send, answered by the serving model in micro-batches of their own.
     */
    interface OpenInference {
        /** Serve the {@code /v2} endpoints. */
        @WithDefault("true")
        boolean enabled();

        /** Longest a request waits for others to share its engine call. */
        @WithDefault("1ms")
        Duration maxWait();

        /** Images queued for the engine at most; a request that would queue more is answered 503. */
        @WithDefault("4096")
        int maxQueuedImages();

        /** Images in one request at most (its first dimension). */
        @WithDefault("256")
        int maxRequestImages();

        /** Bytes of one request body at most; larger ones are answered 413. */
        @WithDefault("8388608")
        int maxRequestBytes();
    }

    /** The serve command. */
    interface Serve {
        /** Train a model with the default settings when none exists yet. */
        @WithDefault("true")
        boolean trainIfMissing();

        /** Start consuming as soon as the app is up (tests); the serve command starts it otherwise. */
        @WithDefault("false")
        boolean autostart();

        /**
         * How long a replica that loses partitions (a rebalance, or SIGTERM) waits for its classified
         * batches to reach the broker before committing and letting go; keep it below the
         * orchestrator's termination grace period.
         */
        @WithDefault("20s")
        Duration drainTimeout();

        /**
         * How often readiness ({@code kafka-cluster}) probes the brokers holding the output topics' replicas;
         * readiness reports the last probe, so it answers at once however slow a probe is.
         */
        @WithDefault("5s")
        Duration clusterProbeInterval();

        /** How long a probe waits for a broker's answer before counting it unreachable. */
        @WithDefault("3s")
        Duration clusterProbeTimeout();

        /**
         * Before the images channel polls (and readiness goes UP), the data path runs on synthetic raw images
         * for at most this long, or 20,000 images: the JIT compiles it, so the first records are as fast as
         * later ones. 0s skips it.
         */
        @WithDefault("5s")
        Duration warmUp();
    }

    /** Where the MNIST files come from. */
    interface Data {
        /** A folder holding the four MNIST IDX files (gzip or raw); env DIGITFLOW_DATA. Unset: download. */
        Optional<Path> dir();

        /** The mirror the files are downloaded from when no folder is given; every file is checked against its known SHA-256. */
        @WithDefault("https://storage.googleapis.com/cvdf-datasets/mnist/")
        URI mirror();

        /** Where downloaded files are kept; default {@code <home>/mnist}. */
        Optional<Path> cacheDir();

        /** How long one file's download may take before it is abandoned. */
        @WithDefault("5m")
        Duration downloadTimeout();
    }

    /** Where trained models live. */
    interface Model {
        /** The folder of model versions; default {@code <home>/models}. */
        Optional<Path> dir();

        /**
         * The Ed25519 private key that signs model records and the {@code active} pointer (env
         * DIGITFLOW_MODEL_SIGNING_KEY): base64 PKCS#8 or PEM, or {@code file:<path>} of either. Only the
         * training role needs it (replicas that retrain or promote). Unset, with verify-key unset too:
         * a key pair in {@code <home>/keys}, created on first use.
         */
        Optional<String> signingKey();

        /**
         * The Ed25519 public key every replica checks model records and pointers against (env
         * DIGITFLOW_MODEL_VERIFY_KEY): base64 X.509 or PEM, or {@code file:<path>}. Set alone, the replica
         * serves and follows models but cannot publish or promote any.
         */
        Optional<String> verifyKey();

        /**
         * Old model versions kept on disk besides the active one and its rollback history; older versions,
         * candidates and refused copies beyond this many are deleted.
         */
        @WithDefault("5")
        int keepVersions();
    }

    default Path modelDir() {
        return model().dir().orElse(home().resolve("models"));
    }

    default Path dataCacheDir() {
        return data().cacheDir().orElse(home().resolve("mnist"));
    }
}
