package io.digitflow.stream;

import io.digitflow.input.DecodeLimits;
import io.digitflow.input.ImageDecoder;
import io.digitflow.inference.ConstantClassifier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class StreamTapTest {

    private static ConsumerRecord<String, byte[]> record(String key, byte[] value, long offset) {
        return new ConsumerRecord<>("images", 0, offset, key, value);
    }

    @Test
    void aConsoleRecordIsAnsweredOnlyOnceDeliveredAndOthersAreSampledAtMostOncePerInterval() {
        StreamTap tap = new StreamTap();
        BatchProcessor processor = new BatchProcessor(new ImageDecoder(DecodeLimits.DEFAULTS), 64, "p", "dlq", tap);
        CompletableFuture<StreamTap.Answer> answer = tap.expect(StreamTap.CONSOLE_KEY_PREFIX + "a").orElseThrow();
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            batch.add(record("k" + i, new byte[784], i));
        }
        batch.add(record(StreamTap.CONSOLE_KEY_PREFIX + "a", new byte[784], 100));
        batch.add(record("bad", new byte[3], 101));
        BatchProcessor.Output out = processor.process(batch, () -> new ConstantClassifier("c"));
        // One sample for the batch, plus the console's own record; the dead letter sampled too.
        assertThat(out.taken().predictions()).extracting(StreamTap.Sample::key)
                .containsExactly("k0", StreamTap.CONSOLE_KEY_PREFIX + "a");
        assertThat(out.taken().deadLetters()).extracting(StreamTap.DeadLetter::reason).containsExactly("unrecognised-format");
        assertThat(answer).isNotDone();

        tap.delivered(out.taken());
        assertThat(answer).isDone();
        assertThat(answer.join().prediction()).map(StreamTap.Sample::pixels).hasValueSatisfying(p -> assertThat(p).hasSize(784));
        assertThat(tap.watching()).isFalse();

        // Right after a sample, the next batch gives none: the cost stays bounded at any rate.
        BatchProcessor.Output next = processor.process(batch.subList(0, 10), () -> new ConstantClassifier("c"));
        assertThat(next.taken().predictions()).isEmpty();
    }

    @Test
    void pendingRequestsAndKeptSamplesAreBounded() {
        StreamTap tap = new StreamTap();
        for (int i = 0; i < StreamTap.MAX_PENDING; i++) {
            assertThat(tap.expect(StreamTap.CONSOLE_KEY_PREFIX + i)).isPresent();
        }
        assertThat(tap.expect(StreamTap.CONSOLE_KEY_PREFIX + "one-too-many")).isEqualTo(Optional.empty());
        List<StreamTap.Sample> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add(new StreamTap.Sample("k" + i, new byte[784], 0, new float[10], "m", 0, i, 1, 0));
        }
        tap.delivered(new StreamTap.Taken(many, List.of()));
        assertThat(tap.snapshot().predictions()).hasSize(StreamTap.KEPT);
        assertThat(tap.snapshot().sampled()).isEqualTo(100);
    }
}
