package io.digitflow.stream;

import io.digitflow.config.DigitflowConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerConfig;

import java.util.Map;

/**
 * Maps {@code digitflow.batch.*} onto the images consumer's fetches.
 *
 * <p>By default ({@code max-wait} 0) a long poll: the broker answers a fetch as soon as one image is there and
 * holds it at most {@link #IDLE_FETCH_WAIT_MS} while the topic is quiet. Batches are what arrived since the last
 * fetch: full under a backlog, small at moderate load, and no image waits for others.
 *
 * <p>With a {@code max-wait}, the broker holds a fetch up to that long for {@code max-size} images to arrive:
 * fuller (cheaper) batches at moderate load, for up to max-wait of latency. The price is paid while idle too:
 * a quiet topic is fetched about every max-wait (2 ms: 0.35–0.5 of a core of the broker and 0.2–0.4 of the
 * replica's, per idle replica, measured on a 2-core machine).
 */
@ApplicationScoped
public class ImageConsumerSettings {

    private static final int IMAGE_BYTES = 784;
    /** How long the broker holds a fetch of a quiet topic in the long poll (Kafka's own default). */
    static final int IDLE_FETCH_WAIT_MS = 500;

    private final DigitflowConfig config;
    private final Delivery delivery;

    public ImageConsumerSettings(DigitflowConfig config, Delivery delivery) {
        this.config = config;
        this.delivery = delivery;
    }

    /** Puts these settings into the images consumer's. */
    public void apply(Map<String, Object> kafka) {
        long waitMs = config.batch().maxWait().toMillis();
        if (waitMs <= 0) {
            kafka.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, IDLE_FETCH_WAIT_MS);
            kafka.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
        } else {
            kafka.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, waitMs));
            kafka.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, config.batch().maxSize() * IMAGE_BYTES);
        }
        delivery.configureConsumer(kafka);
    }
}
