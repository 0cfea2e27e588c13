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

    private DeadLetters() {
    }

    /** The dead letter of {@code input}: its bytes untouched, the problem in SmallRye's DLQ headers. */
    public static ProducerRecord<String, byte[]> of(ConsumerRecord<String, byte[]> input, String dlqTopic,
                                             InvalidInputException problem) {
        Headers headers = new RecordHeaders(input.headers().toArray());
        headers.add(REASON, problem.getMessage().getBytes(UTF_8));
        headers.add(REASON_CODE, problem.reason().code().getBytes(UTF_8));
        headers.add(EXCEPTION_CLASS, problem.getClass().getName().getBytes(UTF_8));
        headers.add(TOPIC, input.topic().getBytes(UTF_8));
        headers.add(PARTITION, Integer.toString(input.partition()).getBytes(UTF_8));
        headers.add(OFFSET, Long.toString(input.offset()).getBytes(UTF_8));
        return new ProducerRecord<>(dlqTopic, null, input.key(), input.value(), headers);
    }
}
