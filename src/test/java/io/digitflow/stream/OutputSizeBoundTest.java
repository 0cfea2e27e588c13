package io.digitflow.stream;

import io.digitflow.inference.ConstantClassifier;
import io.digitflow.input.DecodeLimits;
import io.digitflow.input.DecodedImage;
import io.digitflow.input.ImageDecoder;
import io.digitflow.input.Reason;
import io.digitflow.kafka.RecordSize;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static io.digitflow.stream.OutputRecords.header;
import static io.digitflow.stream.OutputRecords.only;
import static io.digitflow.stream.OutputRecords.record;
import static io.digitflow.stream.OutputRecords.size;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile keys, ids and headers never make an output larger than Kafka's default 1 MiB request size:
 * a refused output would stop the stream, so an accepted record's outputs must always fit.
 */
class OutputSizeBoundTest {

    private static final int KAFKA_DEFAULT_MAX_REQUEST = 1024 * 1024;
    private static final int LIMIT = DecodeLimits.DEFAULTS.maxRecordBytes();

    private final BatchProcessor processor =
            new BatchProcessor(new ImageDecoder(DecodeLimits.DEFAULTS), 16, "predictions", "dlq");

    /**
     * Most predictions skip the exact size measure (see BatchProcessor.surelyFits): whichever way it goes, every
     * prediction written fits the output bound, and every input whose prediction would not is dead-lettered.
     */
    @Test
    void predictionsNearTheOutputBoundFitItWhetherMeasuredOrNot() {
        int bound = RecordBounds.MIN_OUTPUT_BYTES;
        BatchProcessor near = new BatchProcessor(new ImageDecoder(DecodeLimits.DEFAULTS), new RecordBounds(64, bound),
                16, "predictions", "dlq", null);
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        int predicted = 0;
        int tooLarge = 0;
        for (int i = 0; i < 3000; i++) {
            String key = (random.nextBoolean() ? "k" : "ключ✓").repeat(random.nextInt(0, 200));
            RecordHeaders headers = new RecordHeaders();
            int count = random.nextInt(0, 9);
            int room = bound - 2000 + random.nextInt(0, 3000) - RecordSize.utf8(key);
            for (int h = 0; h < count; h++) {
                headers.add((random.nextBoolean() ? "h" : "заголовок").repeat(random.nextInt(1, 40)),
                        new byte[Math.max(0, room / count - 400)]);
            }
            ProducerRecord<String, byte[]> out = only(near, record(key, new byte[784], headers));
            long measured = size(out);
            if (out.topic().equals("predictions")) {
                assertThat(measured).as("prediction %d", i).isLessThanOrEqualTo(bound);
                predicted++;
            } else {
                assertThat(header(out, DeadLetters.REASON_CODE)).isEqualTo(Reason.RECORD_TOO_LARGE.code());
                tooLarge++;
            }
        }
        assertThat(predicted).isGreaterThan(300);
        assertThat(tooLarge).isGreaterThan(300);
    }

    @Test
    void aRecordJustUnderTheLimitWithEscapingHeavyIdStillFits() {
        // Control characters are escaped as \\u0001 (6 bytes each) in the prediction's JSON id.
        String id = "\u0001".repeat(DecodedImage.MAX_ID_CHARS);
        byte[] json = ("{\"id\":\"" + "\\u0001".repeat(DecodedImage.MAX_ID_CHARS) + "\",\"pixels\":" + zeros() + "}")
                .getBytes(UTF_8);
        RecordHeaders headers = new RecordHeaders();
        headers.add("filler", new byte[LIMIT - json.length - id.length() - 100]);
        ConsumerRecord<String, byte[]> input = record(id, json, headers);
        assertThat(BatchProcessor.recordBytes(input)).isLessThanOrEqualTo(LIMIT);

        ProducerRecord<String, byte[]> out = only(processor, input);

        assertThat(out.topic()).isEqualTo("predictions");
        assertThat(size(out)).isLessThan(KAFKA_DEFAULT_MAX_REQUEST);
    }

    @Test
    void anOversizedRecordsDeadLetterIsCutToTheLimit() {
        String key = "k".repeat(3 * LIMIT);
        RecordHeaders headers = new RecordHeaders();
        headers.add("h", new byte[2 * LIMIT]);
        ConsumerRecord<String, byte[]> input = record(key, new byte[5 * LIMIT], headers);

        ProducerRecord<String, byte[]> out = only(processor, input);

        assertThat(out.topic()).isEqualTo("dlq");
        assertThat(header(out, DeadLetters.REASON_CODE)).isEqualTo(Reason.RECORD_TOO_LARGE.code());
        long wire = BatchProcessor.recordBytes(input);
        assertThat(wire).as("key, value, header bytes and framing").isGreaterThan(10L * LIMIT + 1);
        assertThat(header(out, DeadLetters.REASON)).startsWith("record is " + wire + " bytes on the wire (key "
                + 3L * LIMIT + ", value " + 5L * LIMIT + ", 1 headers and framing ")
                .endsWith("more than the limit of " + LIMIT + " (digitflow.input.max-record-bytes)");
        assertThat(header(out, DeadLetters.ORIGINAL_SIZE)).isEqualTo(Long.toString(wire));
        assertThat(header(out, DeadLetters.HEADERS_DROPPED)).isEqualTo("1");
        assertThat(out.value()).hasSize(LIMIT);
        assertThat(out.key()).hasSize(DeadLetters.MAX_KEPT_KEY);
        assertThat(out.headers().lastHeader("h")).as("input headers dropped").isNull();
        assertThat(size(out)).isLessThan(KAFKA_DEFAULT_MAX_REQUEST);
    }

    @Test
    void aLongKeyStandingInForTheIdIsDeadLettered() {
        ConsumerRecord<String, byte[]> input = record("x".repeat(DecodedImage.MAX_ID_CHARS + 1), new byte[784],
                new RecordHeaders());

        ProducerRecord<String, byte[]> out = only(processor, input);

        assertThat(header(out, DeadLetters.REASON_CODE)).isEqualTo(Reason.ID_TOO_LONG.code());
        assertThat(out.value()).as("value untouched under the limit").isSameAs(input.value());
        assertThat(out.key()).isEqualTo(input.key());
    }

    @Test
    void aLongJsonIdIsDeadLetteredAndAKeyAtTheBoundIsPredicted() {
        byte[] json = ("{\"id\":\"" + "i".repeat(DecodedImage.MAX_ID_CHARS + 1) + "\",\"pixels\":" + zeros() + "}")
                .getBytes(UTF_8);
        assertThat(header(only(processor, record("k", json, new RecordHeaders())), DeadLetters.REASON_CODE))
                .isEqualTo(Reason.ID_TOO_LONG.code());
        assertThat(only(processor, record("k".repeat(DecodedImage.MAX_ID_CHARS), new byte[784], new RecordHeaders())).topic())
                .isEqualTo("predictions");
    }

    private static String zeros() {
        String[] z = new String[DecodedImage.PIXELS];
        Arrays.fill(z, "0");
        return "[" + String.join(",", z) + "]";
    }
}
