package io.digitflow.stream;

import io.digitflow.input.InvalidInputException;
import io.digitflow.kafka.RecordSize;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.util.Arrays;

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
    /** On a bounded dead letter only: the input's size in bytes as Kafka counts it on the wire. */
    public static final String ORIGINAL_SIZE = "dead-letter-original-size";

    /**
     * On a bounded dead letter only (see {@link #bounded}): how many headers the input had, none of which
     * the dead letter repeats.
     */
    public static final String HEADERS_DROPPED = "dead-letter-headers-dropped";

    /** Longest key a bounded dead letter keeps, in characters. */
    static final int MAX_KEPT_KEY = 1024;
    /** Longest reason a bounded dead letter keeps, in characters (a broker's message can be long). */
    static final int MAX_KEPT_REASON = 1024;

    private DeadLetters() {
    }

    /** The dead letter of {@code input}: its bytes untouched, the problem in SmallRye's DLQ headers. */
    public static ProducerRecord<String, byte[]> of(ConsumerRecord<String, byte[]> input, String dlqTopic,
                                             InvalidInputException problem) {
        return of(input, dlqTopic, problem, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /**
     * As {@link #of(ConsumerRecord, String, InvalidInputException)}, except for a record over
     * {@code maxRecordBytes} or a dead letter that would be over {@code maxOutputBytes}: that one gets
     * its {@link #bounded} form. Copied whole it could exceed what the producer or the topic accepts.
     */
    public static ProducerRecord<String, byte[]> of(ConsumerRecord<String, byte[]> input, String dlqTopic,
                                                    InvalidInputException problem, int maxRecordBytes,
                                                    int maxOutputBytes) {
        long size = RecordSize.ofInput(input);
        if (size <= maxRecordBytes) {
            ProducerRecord<String, byte[]> whole = withHeaders(input, new RecordHeaders(input.headers().toArray()),
                    input.key(), input.value(), dlqTopic, problem);
            if (RecordSize.ofOutput(whole.key(), whole.value(), whole.headers().toArray()) <= maxOutputBytes) {
                return whole;
            }
        }
        return bounded(input, dlqTopic, problem, maxRecordBytes, maxOutputBytes);
    }

    /**
     * The bounded dead letter of {@code input}: none of its headers (their count in {@value #HEADERS_DROPPED}),
     * the key's first {@value #MAX_KEPT_KEY} characters, the reason's first {@value #MAX_KEPT_REASON}, and
     * as much of the value as fits both {@code maxRecordBytes} and {@code maxOutputBytes} as the producer
     * counts it (its whole size in {@value #ORIGINAL_SIZE}). Never larger than {@code maxOutputBytes}
     * when that is at least {@link RecordBounds#MIN_OUTPUT_BYTES}.
     */
    public static ProducerRecord<String, byte[]> bounded(ConsumerRecord<String, byte[]> input, String dlqTopic,
                                                         InvalidInputException problem, int maxRecordBytes,
                                                         int maxOutputBytes) {
        Headers headers = new RecordHeaders();
        headers.add(ORIGINAL_SIZE, Long.toString(RecordSize.ofInput(input)).getBytes(UTF_8));
        headers.add(HEADERS_DROPPED, Integer.toString(input.headers().toArray().length).getBytes(UTF_8));
        String key = cut(input.key(), MAX_KEPT_KEY);
        InvalidInputException reason = problem.getMessage().length() <= MAX_KEPT_REASON ? problem
                : new InvalidInputException(problem.reason(), cut(problem.getMessage(), MAX_KEPT_REASON));
        ProducerRecord<String, byte[]> empty = withHeaders(input, headers, key, new byte[0], dlqTopic, reason);
        // The value's length prefix grows by at most 4 bytes from an empty value's.
        long room = (long) maxOutputBytes - RecordSize.ofOutput(key, empty.value(), empty.headers().toArray()) - 4;
        int keep = (int) Math.max(0, Math.min(Math.min(room, maxRecordBytes),
                input.value() == null ? 0 : input.value().length));
        byte[] value = input.value() == null ? null
                : keep == input.value().length ? input.value() : Arrays.copyOf(input.value(), keep);
        return new ProducerRecord<>(dlqTopic, null, key, value, empty.headers());
    }

    private static String cut(String text, int chars) {
        return text == null || text.length() <= chars ? text : text.substring(0, chars);
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
