package io.digitflow.stream;

import io.digitflow.inference.ConstantClassifier;
import io.digitflow.input.DecodeLimits;
import io.digitflow.input.ImageDecoder;
import io.digitflow.input.Reason;
import io.digitflow.kafka.RecordSize;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static io.digitflow.stream.OutputRecords.header;
import static io.digitflow.stream.OutputRecords.only;
import static io.digitflow.stream.OutputRecords.record;
import static io.digitflow.stream.OutputRecords.size;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, item 1: records are measured as Kafka measures them, and no output is ever larger than
 * the output producer's max.request.size (digitflow.output.max-request-bytes).
 */
class ByteExactBoundsTest {

    private static final int LIMIT = DecodeLimits.DEFAULTS.maxRecordBytes();

    @Test
    void multiByteHeaderKeysCountInBytesNotCharacters() {
        // Two header keys of 3-byte characters: ~356,000 characters, ~1.07 MB on the wire.
        RecordHeaders headers = new RecordHeaders();
        headers.add("\u20ac".repeat(178_000), new byte[0]);
        headers.add("\u2603".repeat(178_000), new byte[0]);
        ConsumerRecord<String, byte[]> input = record("digit-1", new byte[784], headers);
        assertThat(BatchProcessor.recordBytes(input)).isGreaterThan(1_068_000);

        ProducerRecord<String, byte[]> out = only(processor(RecordBounds.DEFAULTS), input);

        assertThat(out.topic()).isEqualTo("dlq");
        assertThat(header(out, DeadLetters.REASON_CODE)).isEqualTo(Reason.RECORD_TOO_LARGE.code());
        assertThat(header(out, DeadLetters.HEADERS_DROPPED)).isEqualTo("2");
        assertThat(size(out)).isLessThanOrEqualTo(RecordBounds.DEFAULTS.maxOutputBytes());
    }

    @Test
    void tenThousandEmptyHeadersAreRefusedUnread() {
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < 10_000; i++) {
            headers.add("", null);
        }
        ConsumerRecord<String, byte[]> input = record("digit-2", new byte[784], headers);

        ProducerRecord<String, byte[]> out = only(processor(RecordBounds.DEFAULTS), input);

        assertThat(out.topic()).isEqualTo("dlq");
        assertThat(header(out, DeadLetters.REASON_CODE)).isEqualTo(Reason.TOO_MANY_HEADERS.code());
        assertThat(header(out, DeadLetters.REASON)).contains("digitflow.input.max-headers");
        assertThat(out.headers().toArray()).as("the 10,000 headers are not repeated").hasSizeLessThan(20);
        assertThat(header(out, DeadLetters.HEADERS_DROPPED)).isEqualTo("10000");
    }

    @Test
    void headersUpToTheLimitAreKept() {
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < RecordBounds.DEFAULTS.maxHeaders(); i++) {
            headers.add("h" + i, null);
        }
        ProducerRecord<String, byte[]> out = only(processor(RecordBounds.DEFAULTS), record("k", new byte[784], headers));
        assertThat(out.topic()).isEqualTo("predictions");
        assertThat(out.headers().lastHeader("h63")).isNotNull();
    }

    @Test
    void aPredictionOverTheOutputLimitBecomesABoundedDeadLetter() {
        RecordBounds small = new RecordBounds(64, RecordBounds.MIN_OUTPUT_BYTES);
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", new byte[100_000]); // within the input limit, over the output limit
        ConsumerRecord<String, byte[]> input = record("k", new byte[784], headers);

        BatchProcessor.Output result = processor(small).process(List.of(input), () -> new ConstantClassifier("v"));
        ProducerRecord<String, byte[]> out = result.records().get(0);

        assertThat(out.topic()).isEqualTo("dlq");
        assertThat(header(out, DeadLetters.REASON_CODE)).isEqualTo(Reason.RECORD_TOO_LARGE.code());
        assertThat(header(out, DeadLetters.REASON)).contains("digitflow.output.max-request-bytes");
        assertThat(out.headers().lastHeader("trace")).isNull();
        assertThat(out.value()).isEqualTo(input.value());
        assertThat(size(out)).isLessThanOrEqualTo(small.maxOutputBytes());
        assertThat(result.predictions()).isZero();
        assertThat(result.deadLetters()).containsEntry(Reason.RECORD_TOO_LARGE, 1);
    }

    @Test
    void aDeadLetterOverTheOutputLimitIsCutToFitIt() {
        RecordBounds small = new RecordBounds(64, RecordBounds.MIN_OUTPUT_BYTES);
        RecordHeaders headers = new RecordHeaders();
        headers.add("\u20ac".repeat(20_000), new byte[0]);
        // A wrong-length value near the input limit, and a key as long as it may be: copied whole it would not fit.
        ConsumerRecord<String, byte[]> input = record("k".repeat(10_000), new byte[LIMIT - 200_000], headers);

        ProducerRecord<String, byte[]> out = only(processor(small), input);

        assertThat(header(out, DeadLetters.REASON_CODE)).as("not a digit, not too large as received")
                .isEqualTo(Reason.UNRECOGNISED_FORMAT.code());
        assertThat(size(out)).isLessThanOrEqualTo(small.maxOutputBytes());
        assertThat(out.key()).hasSize(DeadLetters.MAX_KEPT_KEY);
    }

    private static BatchProcessor processor(RecordBounds bounds) {
        return new BatchProcessor(new ImageDecoder(DecodeLimits.DEFAULTS), bounds, 16, "predictions", "dlq", null);
    }

}
