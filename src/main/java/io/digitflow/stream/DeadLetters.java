package io.digitflow.stream;

import io.digitflow.input.InvalidInputException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Dead-letter records: the input's key, value and headers untouched, plus headers saying why and
 * where it came from. The header names are SmallRye's dead-letter-queue names, so tools built for
 * its DLQs read ours too.
 */
public final class DeadLetters {

    /** A person-readable account of the problem, e.g. "raw image must be exactly 784 bytes, got 783". */
    public static final String REASON = "dead-letter-reason";
    /** A stable code to count and alert on, e.g. "wrong-length". */
    public static final String REASON_CODE = "dead-letter-reason-code";
    public static final String EXCEPTION_CLASS = "dead-letter-exception-class-name";
    public static final String TOPIC = "dead-letter-topic";
    public static final String PARTITION = "dead-letter-partition";
    public static final String OFFSET = "dead-letter-offset";
    /** On the dead letter of an oversized record only: its size in bytes (key + value + headers) as received. */
    public static final String ORIGINAL_SIZE = "dead-letter-original-size";

    /** Longest key an oversized record's dead letter keeps, in characters. */
    static final int MAX_KEPT_KEY = 1024;

    private DeadLetters() {
    }

    /** The dead letter of {@code input}: its bytes untouched, the problem in SmallRye's DLQ headers. */
    public static ProducerRecord<String, byte[]> of(ConsumerRecord<String, byte[]> input, String dlqTopic,
                                             InvalidInputException problem) {
        return of(input, dlqTopic, problem, Integer.MAX_VALUE);
    }

    /**
     * As {@link #of(ConsumerRecord, String, InvalidInputException)}, except for a record over
     * {@code maxRecordBytes}: its dead letter keeps the first {@code maxRecordBytes} of the value, the
     * key's first {@value #MAX_KEPT_KEY} characters and none of its headers, with its size in
     * {@value #ORIGINAL_SIZE}. Copied whole it could exceed what the producer or the topic accepts,
     * and a refused output would stop the stream.
     */
    public static ProducerRecord<String, byte[]> of(ConsumerRecord<String, byte[]> input, String dlqTopic,
                                                    InvalidInputException problem, int maxRecordBytes) {
        long size = BatchProcessor.recordBytes(input);
        if (size <= maxRecordBytes) {
            return withHeaders(input, new RecordHeaders(input.headers().toArray()), input.key(), input.value(),
                    dlqTopic, problem);
        }
        Headers headers = new RecordHeaders();
        headers.add(ORIGINAL_SIZE, Long.toString(size).getBytes(UTF_8));
        String key = input.key() == null || input.key().length() <= MAX_KEPT_KEY
                ? input.key() : input.key().substring(0, MAX_KEPT_KEY);
        byte[] value = input.value() == null || input.value().length <= maxRecordBytes
                ? input.value() : java.util.Arrays.copyOf(input.value(), maxRecordBytes);
        return withHeaders(input, headers, key, value, dlqTopic, problem);
    }

    private static ProducerRecord<String, byte[]> withHeaders(ConsumerRecord<String, byte[]> input, Headers headers,
                                                              String key, byte[] value, String dlqTopic,
                                                              InvalidInputException problem) {
        headers.add(REASON, problem.getMessage().getBytes(UTF_8));
        headers.add(REASON_CODE, problem.reason().code().getBytes(UTF_8));
        headers.add(EXCEPTION_CLASS, problem.getClass().getName().getBytes(UTF_8));
        headers.add(TOPIC, input.topic().getBytes(UTF_8));
        headers.add(PARTITION, Integer.toString(input.partition()).getBytes(UTF_8));
        headers.add(OFFSET, Long.toString(input.offset()).getBytes(UTF_8));
        return new ProducerRecord<>(dlqTopic, null, key, value, headers);
    }
}
