package io.digitflow.stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;

import java.time.Instant;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * CloudEvents 1.0 attributes on predictions, in the Kafka protocol binding's binary mode
 * ({@code digitflow.output.cloud-events}): {@code ce_specversion}, {@code ce_id} (the input's
 * topic-partition-offset, so a re-delivered input's prediction keeps its id and consumers can drop
 * duplicates), {@code ce_source} ({@code /digitflow/<consumer group>}), {@code ce_type}
 * ({@value #TYPE}), {@code ce_time} (when the prediction was built); the data's content type is the
 * {@code content-type} header every prediction has. An input's own {@code ce_*} headers are not
 * carried over: they describe the input event, not this one.
 */
final class CloudEventHeaders {

    static final String PREFIX = "ce_";
    static final String TYPE = "dev.digitflow.prediction";
    private static final byte[] SPEC_VERSION = "1.0".getBytes(UTF_8);
    private static final byte[] TYPE_BYTES = TYPE.getBytes(UTF_8);

    private final byte[] source;

    CloudEventHeaders(String consumerGroup) {
        this.source = ("/digitflow/" + consumerGroup).getBytes(UTF_8);
    }

    static boolean isCloudEventHeader(String key) {
        return key.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    void add(Headers headers, ConsumerRecord<String, byte[]> input, long now) {
        headers.add("ce_specversion", SPEC_VERSION);
        headers.add("ce_id", (input.topic() + "-" + input.partition() + "-" + input.offset()).getBytes(UTF_8));
        headers.add("ce_source", source);
        headers.add("ce_type", TYPE_BYTES);
        headers.add("ce_time", Instant.ofEpochMilli(now).toString().getBytes(UTF_8));
    }
}
