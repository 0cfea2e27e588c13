package io.digitflow.stream;

import io.digitflow.config.DigitflowConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerConfig;

import java.util.Map;

/**
 * Maps {@code digitflow.batch.*} onto the images consumer: the broker may hold a fetch up to
 * max-wait for max-size images to arrive. Under a backlog fetches return full at once, so the wait
 * only matters at moderate load, where it trades latency for fuller (cheaper) batches.
 */
@ApplicationScoped
public class ImageConsumerSettings {

    private static final int IMAGE_BYTES = 784;

    private final DigitflowConfig config;
    private final Delivery delivery;

    public ImageConsumerSettings(DigitflowConfig config, Delivery delivery) {
        this.config = config;
        this.delivery = delivery;
    }

    /** Puts these settings into the images consumer's. */
    public void apply(Map<String, Object> kafka) {
        kafka.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) config.batch().maxWait().toMillis());
        kafka.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, config.batch().maxSize() * IMAGE_BYTES);
        delivery.configureConsumer(kafka);
    }
}
