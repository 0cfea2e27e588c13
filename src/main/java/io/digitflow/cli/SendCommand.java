package io.digitflow.cli;

import java.util.HashMap;
import io.digitflow.UserException;
import io.digitflow.config.DigitflowConfig;
import io.digitflow.data.MnistSplit;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;

/** {@code digitflow send}: produces images to the images topic, at a rate or flat out. */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Produce images to the images topic: the MNIST test set (with the true label in a header), "
                + "or PNG/JPEG/raw/JSON files and folders. Half of the end-to-end harness: run `watch` in another "
                + "terminal to see the predictions, accuracy, throughput and latency."})
public class SendCommand implements Callable<Integer> {

    @Option(names = "--mnist-test", description = "Send MNIST test images (cycling through the 10,000).")
    boolean mnistTest;

    @Parameters(paramLabel = "PATH", arity = "0..*",
            description = "Image files or folders: .png, .jpg/.jpeg, .json, or raw 784-byte files (any other name).")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--count", paramLabel = "N", description = "How many images to send (default: 10,000 for "
            + "--mnist-test, else each file once).")
    Integer count;

    @Option(names = "--rate", paramLabel = "IMAGES_PER_S", defaultValue = "0",
            description = "Images per second; 0 = as fast as the broker takes them (default).")
    double rate;

    @Option(names = "--compression", defaultValue = "none",
            description = "Producer compression: none, lz4, zstd, snappy, gzip (default: ${DEFAULT-VALUE}). "
                    + "lz4 shrinks sparse MNIST images ~5x but costs CPU on both ends.")
    String compression;

    @Option(names = "--topic", description = "Topic to send to (default: digitflow.topics.images).")
    String topic;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    DataOptions data;

    private final DigitflowConfig config;

    @Inject
    public SendCommand(DigitflowConfig config) {
        this.config = config;
    }

    /** One image to send: its bytes, content type and, for MNIST, its label and index. */
    private record Item(byte[] value, String contentType, int label, int mnistIndex) {
    }

    @Override
    public Integer call() throws Exception {
        List<Item> items = mnistTest ? mnist() : files();
        if (items.isEmpty()) {
            throw new UserException("nothing to send: give --mnist-test or image files/folders");
        }
        int total = count != null ? count : (mnistTest ? 10_000 : items.size());
        String target = topic != null ? topic : config.topics().images();
        String run = UUID.randomUUID().toString().substring(0, 8);
        PrintStream out = System.out;
        Progress progress = new Progress(out, total, System.console() != null);
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long[] started = {System.nanoTime()};
        try (KafkaProducer<String, byte[]> producer = kafka.clients().producer("digitflow-send", producerConfig())) {
            // Connected, with the topic's partitions known, before the first send time is taken: else the
            // first records' latency would include this producer's own metadata fetch.
            producer.partitionsFor(target);
            long start = System.nanoTime();
            started[0] = start;
            for (int i = 0; i < total && failure.get() == null; i++) {
                if (rate > 0) {
                    long due = start + (long) (i * 1e9 / rate);
                    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                        LockSupport.parkNanos(wait); // pacing the producer, not synchronising a test
                    }
                }
                Item item = items.get(i % items.size());
                RecordHeaders headers = new RecordHeaders();
                headers.add("content-type", item.contentType().getBytes(UTF_8));
                headers.add(HarnessHeaders.SENT_AT_MICROS, Long.toString(HarnessHeaders.nowMicros()).getBytes(UTF_8));
                if (item.label() >= 0) {
                    headers.add(HarnessHeaders.LABEL, Integer.toString(item.label()).getBytes(UTF_8));
                    headers.add(HarnessHeaders.MNIST_INDEX, Integer.toString(item.mnistIndex()).getBytes(UTF_8));
                }
                producer.send(new ProducerRecord<>(target, null, run + "-" + i, item.value(), headers), (md, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else {
                        acked.incrementAndGet();
                    }
                });
                progress.update(i + 1, System.nanoTime() - start);
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new UserException(target + ": send failed after " + acked.get() + " images ("
                    + failure.get().getMessage() + ")");
        }
        double seconds = (System.nanoTime() - started[0]) / 1e9;
        progress.done(acked.get(), seconds);
        out.printf(Locale.ROOT, "Sent %,d images to %s in %.1fs (%,.0f images/s), keys %s-0 .. %s-%d%n",
                acked.get(), target, seconds, acked.get() / seconds, run, run, total - 1);
        return 0;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.LINGER_MS_CONFIG, rate > 0 ? 0 : 5); // paced: send at once; flat out: fill batches
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        return props;
    }

    private List<Item> mnist() {
        MnistSplit test = data.repository(config).loadTest().split();
        List<Item> items = new ArrayList<>(test.count());
        for (int i = 0; i < test.count(); i++) {
            items.add(new Item(test.image(i), "application/x-digit-u8", test.label(i), i));
        }
        return items;
    }

    private List<Item> files() throws IOException {
        List<Item> items = new ArrayList<>();
        for (Path path : paths) {
            if (!Files.exists(path)) {
                throw new UserException(path + ": no such file or folder");
            }
            try (Stream<Path> walk = Files.walk(path)) {
                for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                    items.add(new Item(Files.readAllBytes(file), contentType(file), -1, -1));
                }
            }
        }
        return items;
    }

    static String contentType(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".png")) {
            return "image/png";
        }
        if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
            return "image/jpeg";
        }
        if (name.endsWith(".webp")) {
            return "image/webp";
        }
        if (name.endsWith(".json")) {
            return "application/json";
        }
        return "application/x-digit-u8";
    }

    /** A one-line progress bar, redrawn at most ten times a second on a terminal. */
    private static final class Progress {
        private final PrintStream out;
        private final int total;
        private final boolean live;
        private long lastDraw;

        Progress(PrintStream out, int total, boolean live) {
            this.out = out;
            this.total = total;
            this.live = live;
        }

        void update(int sent, long elapsedNanos) {
            if (live && elapsedNanos - lastDraw > 100_000_000L) {
                lastDraw = elapsedNanos;
                out.print("\r" + ProgressBars.bar(sent, total) + String.format(Locale.ROOT,
                        " %,d/%,d - %,.0f images/s", sent, total, sent / (elapsedNanos / 1e9)));
                out.flush();
            }
        }

        void done(long sent, double seconds) {
            if (live) {
                out.print("\r" + ProgressBars.bar(total, total) + String.format(Locale.ROOT,
                        " %,d/%,d - %,.0f images/s%n", sent, total, sent / seconds));
            }
        }
    }
}
