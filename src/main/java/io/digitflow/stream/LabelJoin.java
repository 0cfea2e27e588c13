package io.digitflow.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.digitflow.config.DigitflowConfig;
import io.digitflow.kafka.ClientFactory;
import io.digitflow.kafka.TopicReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;

import java.time.Duration;
import java.util.Map;

/**
 * Live accuracy from labels that arrive after the prediction: every replica keeps its last
 * {@code digitflow.monitoring.label-join-keys} predictions (key, model, digit) in a ring, follows the labelled
 * topic (no consumer group: every replica sees every label, and the one that predicted the key counts it), and
 * for a label whose key it predicted within {@code digitflow.monitoring.label-join-window} counts the prediction
 * right or wrong in {@code digitflow_live_*{model}}, the same series as the label header feeds. A key is counted
 * once: a prediction whose input carried a label header is not counted again, nor is a second label for it.
 * Labels are read like retraining reads them: the {@code label} header, else a JSON value's {@code label} field.
 */
@ApplicationScoped
public class LabelJoin {

    /** The header of a labelled record that names its digit (as for retraining). */
    public static final String LABEL_HEADER = "label";
    private static final JsonFactory JSON = new JsonFactory();
    /** A labelled record's JSON value is read only this far for its label: the image follows. */
    private static final int MAX_JSON_TOKENS = 64;

    private final int capacity;
    private final long windowMillis;
    private final LiveQuality quality;
    private final Map<String, Object> kafka;
    private final String topic;
    private final Counter joined;
    private final Counter unmatched;

    // The ring of recent predictions and its index, guarded by this.
    private final String[] keys;
    private final String[] models;
    private final byte[] digits;
    private final long[] times;
    private final boolean[] counted;
    private final SlotIndex slots;
    private int next;

    private volatile boolean stopping;
    private KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    @Inject
    public LabelJoin(DigitflowConfig config, LiveQuality quality, MeterRegistry registry,
                     @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this(config.monitoring().labelJoinKeys(), config.monitoring().labelJoinWindow(), quality, registry, kafka,
                config.topics().labeled());
    }

    LabelJoin(int capacity, Duration window, LiveQuality quality, MeterRegistry registry, Map<String, Object> kafka,
              String topic) {
        if (capacity < 0 || capacity > 10_000_000) {
            throw new io.digitflow.StartupFailure("the label join must keep 0 to 10000000 predictions, not " + capacity,
                    "digitflow.monitoring.label-join-keys");
        }
        this.capacity = capacity;
        this.windowMillis = window.toMillis();
        this.quality = quality;
        this.kafka = kafka;
        this.topic = topic;
        this.keys = new String[capacity];
        this.models = new String[capacity];
        this.digits = new byte[capacity];
        this.times = new long[capacity];
        this.counted = new boolean[capacity];
        this.slots = new SlotIndex(keys);
        // Counters left by an earlier instance in this registry (an application restarted in the same JVM) would go on
        // counting from their old values.
        registry.find("digitflow.live.labels.joined").meters().forEach(registry::remove);
        registry.find("digitflow.live.labels.unmatched").meters().forEach(registry::remove);
        this.joined = Counter.builder("digitflow.live.labels.joined")
                .description("Labels from the labelled topic matched with this replica's prediction of the same key")
                .register(registry);
        this.unmatched = Counter.builder("digitflow.live.labels.unmatched")
                .description("Labels from the labelled topic for keys this replica did not predict within the window "
                        + "(another replica's keys, late labels, labels of training data)")
                .register(registry);
    }

    /** Remembers one poll batch's predictions (inference thread). */
    void record(QualityTally tally) {
        if (capacity == 0 || tally.count() == 0) {
            return;
        }
        long now = System.currentTimeMillis();
        synchronized (this) {
            for (int i = 0; i < tally.count(); i++) {
                String key = tally.key(i);
                if (key == null) {
                    continue;
                }
                String old = keys[next];
                if (old != null) {
                    slots.removeIfAt(old, next);
                }
                keys[next] = key;
                models[next] = tally.model(i);
                digits[next] = (byte) tally.digit(i);
                times[next] = now;
                counted[next] = tally.headerLabelled(i);
                slots.put(key, next);
                next = next + 1 == capacity ? 0 : next + 1;
            }
        }
    }

    /** Counts one label for {@code key}; true when it matched a prediction of this replica not counted yet. */
    boolean label(String key, int digit, long now) {
        String model;
        boolean right;
        synchronized (this) {
            int slot = key == null ? -1 : slots.get(key);
            if (slot < 0 || now - times[slot] > windowMillis) {
                unmatched.increment();
                return false;
            }
            if (counted[slot]) {
                return false;
            }
            counted[slot] = true;
            model = models[slot];
            right = digits[slot] == digit;
        }
        joined.increment();
        quality.labelled(model, right);
        return true;
    }

    /** Follows the labelled topic from its end, on a thread of its own; does nothing when the join is off. */
    public synchronized void start() {
        if (capacity == 0 || thread != null) {
            return;
        }
        consumer = ClientFactory.of(kafka).consumer("digitflow-label-join", Map.of());
        if (!TopicReader.assignAtEnd(consumer, topic)) {
            Log.warnf("Topic %s does not exist: live accuracy counts only labels in record headers", topic);
            consumer.close();
            return;
        }
        thread = new Thread(this::follow, "digitflow-label-join");
        thread.setDaemon(true);
        thread.start();
    }

    private void follow() {
        try {
            while (!stopping) {
                try {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                        int digit = labelOf(record);
                        if (digit >= 0) {
                            label(record.key(), digit, System.currentTimeMillis());
                        }
                    }
                } catch (WakeupException e) {
                    break;
                } catch (RuntimeException e) {
                    // The broker, say: live accuracy is monitoring, never a reason to stop anything.
                    Log.warnf("Label join on %s: %s", topic, e.toString());
                }
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** A labelled record's digit: its label header, else its JSON value's top-level "label"; -1 for none. */
    static int labelOf(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(LABEL_HEADER);
        if (header != null) {
            return digit(header.value() == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8).trim());
        }
        byte[] value = record.value();
        if (value == null || value.length == 0 || value[0] != '{') {
            return -1;
        }
        try (JsonParser json = JSON.createParser(value)) {
            json.nextToken();
            for (int tokens = 0; tokens < MAX_JSON_TOKENS; tokens++) {
                JsonToken token = json.nextToken();
                if (token != JsonToken.FIELD_NAME) {
                    return -1;
                }
                String field = json.currentName();
                JsonToken valueToken = json.nextToken();
                if (field.equals("label")) {
                    return valueToken == JsonToken.VALUE_NUMBER_INT || valueToken == JsonToken.VALUE_STRING
                            ? digit(json.getText()) : -1;
                }
                json.skipChildren();
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }

    private static int digit(String text) {
        return text != null && text.length() == 1 && text.charAt(0) >= '0' && text.charAt(0) <= '9' ? text.charAt(0) - '0' : -1;
    }

    @PreDestroy
    synchronized void stop() {
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
