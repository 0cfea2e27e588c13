package io.digitflow.kafka;

import io.digitflow.config.DigitflowConfig;
import java.util.List;
import java.util.Map;

/** digitflow's topic names and the shape each is created with. */
public final class Topics {

    /** Input images; its partition count is the unit of parallelism. */
    public static final String IMAGES = DigitflowConfig.Topics.IMAGES;
    /** One JSON prediction per input image, same key. */
    public static final String PREDICTIONS = DigitflowConfig.Topics.PREDICTIONS;
    /** A shadow candidate's predictions, same keys, never on the main topic. */
    public static final String SHADOW_PREDICTIONS = DigitflowConfig.Topics.SHADOW_PREDICTIONS;
    /** Input records that could not be classified, bytes untouched, reason in the headers. */
    public static final String IMAGES_DLQ = DigitflowConfig.Topics.DEAD_LETTERS;
    /** Operator commands (train, promote, rollback); one partition so one replica handles each. */
    public static final String CONTROL = DigitflowConfig.Topics.CONTROL;
    /** Model artifacts by version plus the {@code active} pointer; compacted. */
    public static final String MODELS = DigitflowConfig.Topics.MODELS;
    /** Labelled images that retraining adds to MNIST. */
    public static final String LABELED = DigitflowConfig.Topics.LABELED;
    /** Training progress, evaluations, promotions, swaps, rejected commands. */
    public static final String EVENTS = DigitflowConfig.Topics.EVENTS;

    /** The largest record the local broker and the models topic accept: room for a model zip with headroom. */
    public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

    private static final String RETENTION = "retention.ms";
    private static final String KEEP_FOREVER = "-1";

    /** Partitions of the images topic unless configured otherwise. */
    public static final int DEFAULT_IMAGE_PARTITIONS = DigitflowConfig.Topics.IMAGES_PARTITIONS;

    private Topics() {
    }

    /** Every topic digitflow uses, the images topic (and its predictions) with {@code imagePartitions}. */
    public static List<TopicSpec> all(int imagePartitions) {
        return List.of(
                new TopicSpec(IMAGES, imagePartitions, Map.of()),
                // As many as the input, so the load on consumers of predictions spreads the same way.
                new TopicSpec(PREDICTIONS, imagePartitions, Map.of()),
                new TopicSpec(SHADOW_PREDICTIONS, imagePartitions, Map.of()),
                new TopicSpec(IMAGES_DLQ, 1, Map.of()),
                new TopicSpec(CONTROL, 1, Map.of()),
                new TopicSpec(MODELS, 1, Map.of(
                        // Keep the latest record per key: each version once, and the current `active` pointer.
                        "cleanup.policy", "compact",
                        // A model zip is one record of a few MB; the broker default would refuse it.
                        "max.message.bytes", String.valueOf(MAX_RECORD_BYTES))),
                // Training data: a retrain reads all of it, so the broker's 7-day default would lose labels.
                new TopicSpec(LABELED, 1, Map.of(RETENTION, KEEP_FOREVER)),
                // Replayed request ids are detected against every event ever written: kept, not expired.
                new TopicSpec(EVENTS, 1, Map.of(RETENTION, KEEP_FOREVER)));
    }
}
