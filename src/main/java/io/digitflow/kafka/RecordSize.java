package io.digitflow.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.DefaultRecord;
import org.apache.kafka.common.record.RecordBatch;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Record sizes as Kafka counts them, not as Java strings do: a header key of multi-byte characters
 * is two or three times its length in bytes, and every header costs its framing even when empty.
 */
public final class RecordSize {

    private static final Header[] NO_HEADERS = new Header[0];

    private RecordSize() {
    }

    /**
     * A received record's size in the v2 record format: key, value, each header's UTF-8 key and value
     * bytes and the varints framing them. The consumer gives the key only deserialized, so its serialized
     * size stands in ({@link ConsumerRecord#serializedKeySize()}, measured for records built in memory).
     */
    public static long ofInput(ConsumerRecord<String, byte[]> record) {
        int key = record.serializedKeySize() >= 0 ? record.serializedKeySize()
                : record.key() == null ? -1 : utf8(record.key());
        int value = record.value() == null ? -1 : record.value().length;
        return DefaultRecord.sizeInBytes(0, 0L, key, value, record.headers().toArray());
    }

    /**
     * What the producer checks against {@code max.request.size} before it sends an uncompressed record:
     * its upper-bound estimate, one record alone in a batch. An output at most this big is never refused
     * by the producer, and by no topic whose {@code max.message.bytes} is at least as big.
     */
    public static int ofOutput(String key, byte[] value, Header[] headers) {
        return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE,
                key == null ? null : key.getBytes(UTF_8), value, headers == null ? NO_HEADERS : headers);
    }

    /** A string's size in UTF-8, without encoding it. */
    public static int utf8(String text) {
        return org.apache.kafka.common.utils.Utils.utf8Length(text);
    }
}
