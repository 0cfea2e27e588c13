package io.digitflow.stream;

import io.digitflow.inference.Classifier;
import io.digitflow.input.DecodeLimits;
import io.digitflow.input.ImageDecoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Requests from outside the stream fill the room left in the stream's engine calls, and get their own answers. */
class SharedEngineCallsTest {

    /** Answers each image's first pixel, and remembers each call's size. */
    private static final class FirstPixel implements Classifier {
        final List<Integer> calls = new ArrayList<>();

        @Override
        public String version() {
            return "v1";
        }

        @Override
        public String engine() {
            return "test";
        }

        @Override
        public void classify(byte[][] images, int count, float[] out) {
            calls.add(count);
            java.util.Arrays.fill(out, 0, count * CLASSES, 0f);
            for (int i = 0; i < count; i++) {
                out[i * CLASSES + (images[i][0] & 0xff) % CLASSES] = 1f;
            }
        }

        @Override
        public Classifier copy() {
            return this;
        }

        @Override
        public void close() {
        }
    }

    /** Offers {@code waiting} images (digit 9 each), all at once if they fit, and keeps what it was told. */
    private static final class Waiting implements SharedEngineWork {
        int waiting;
        final List<Integer> rooms = new ArrayList<>();
        final List<Integer> digits = new ArrayList<>();
        String version;

        @Override
        public Taken take(int room) {
            rooms.add(room);
            int n = Math.min(room, waiting);
            if (n == 0) {
                return null;
            }
            waiting -= n;
            byte[][] images = new byte[n][784];
            for (byte[] image : images) {
                image[0] = 9;
            }
            return new Taken() {
                @Override
                public byte[][] images() {
                    return images;
                }

                @Override
                public int count() {
                    return n;
                }

                @Override
                public void complete(float[] probabilities, int offset, String model) {
                    version = model;
                    for (int i = 0; i < n; i++) {
                        digits.add(Classifier.argmax(probabilities, offset / Classifier.CLASSES + i));
                    }
                }

                @Override
                public void fail(RuntimeException cause) {
                    throw new AssertionError(cause);
                }
            };
        }
    }

    @Test
    void waitingRequestsRideInTheRoomLeftAndTheStreamsAnswersAreUntouched() {
        BatchProcessor processor = new BatchProcessor(new ImageDecoder(DecodeLimits.DEFAULTS), 64, "predictions", "dlq");
        Waiting work = new Waiting();
        work.waiting = 50;
        processor.share(work);
        FirstPixel engine = new FirstPixel();
        List<ConsumerRecord<String, byte[]>> poll = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            byte[] image = new byte[784];
            image[0] = (byte) (i % 9);
            poll.add(new ConsumerRecord<>("images", 0, i, "k-" + i, image));
        }

        BatchProcessor.Output out = processor.process(poll, () -> engine);

        // Engine batches of 64, 64 and 22 stream images: the full ones had no room, the last took 42 waiting images.
        assertThat(work.rooms).containsExactly(42);
        assertThat(engine.calls).containsExactly(64, 64, 64);
        assertThat(out.engineBatches()).containsExactly(64, 64, 64);
        assertThat(work.digits).hasSize(42).containsOnly(9);
        assertThat(work.version).isEqualTo("v1");
        assertThat(work.waiting).isEqualTo(8);
        for (int i = 0; i < poll.size(); i++) {
            assertThat(PredictionJson.read(out.records().get(i).value()).digit()).isEqualTo(i % 9);
        }
        assertThat(out.records()).hasSize(150);

        processor.share(null);
        processor.process(poll.subList(0, 10), () -> engine);
        assertThat(work.rooms).hasSize(1);
    }
}
