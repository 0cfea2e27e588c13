package io.digitflow.stream;

import io.digitflow.config.DigitflowConfig;
import io.smallrye.reactive.messaging.ClientCustomizer;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.eclipse.microprofile.config.Config;

import java.util.Map;

/**
 * Maps {@code digitflow.batch.*} onto the images consumer: the broker may hold a fetch up to
 * max-wait for max-size images to arrive. Under a backlog fetches return full at once, so the wait
 * only matters at moderate load, where it trades latency for fuller (cheaper) batches.
 */
@ApplicationScoped
public class ImageConsumerSettings implements ClientCustomizer<Map<String, Object>> {

    private static final int IMAGE_BYTES = 784;

    private final DigitflowConfig config;
    private final Delivery delivery;

    public ImageConsumerSettings(DigitflowConfig config, Delivery delivery) {
        this.config = config;
        this.delivery = delivery;
    }

    @Override
    public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> kafka) {
        if (!channel.equals(ImageStream.CHANNEL) || !kafka.containsKey(ConsumerConfig.GROUP_ID_CONFIG)) {
            return kafka;
        }
        kafka.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) config.batch().maxWait().toMillis());
        kafka.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, config.batch().maxSize() * IMAGE_BYTES);
        delivery.configureConsumer(kafka);
        return kafka;
    }
}
