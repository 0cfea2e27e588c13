package io.digitflow.cli;

import java.util.HashMap;
import io.digitflow.UserException;
import io.digitflow.config.DigitflowConfig;
import io.digitflow.data.MnistSplit;
import io.digitflow.report.AsciiDigit;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import static java.nio.charset.StandardCharsets.UTF_8;

/** {@code digitflow watch}: shows predictions as they arrive, with accuracy, throughput and latency. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Consume the predictions topic and show what arrives: the first few digits drawn with their "
                + "prediction, then a running count, accuracy (where `send` put the true label), throughput and "
                + "end-to-end latency percentiles (from `send` handing the image to Kafka to the prediction "
                + "arriving here).",
                "With --expect N it stops after N predictions and prints a summary: the other half of the harness."})
public class WatchCommand implements Callable<Integer> {

    @Option(names = "--expect", paramLabel = "N", defaultValue = "0",
            description = "Stop after N predictions and print the summary (0 = until Ctrl-C).")
    long expect;

    @Option(names = "--timeout", defaultValue = "PT10M",
            description = "Give up waiting for --expect after this long, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--skip", paramLabel = "N", defaultValue = "0",
            description = "Leave the first N predictions out of the figures, a warm-up; --expect counts those after "
                    + "them (default: ${DEFAULT-VALUE}).")
    long skip;

    @Option(names = "--show", paramLabel = "K", defaultValue = "3",
            description = "Draw the first K digits with their predictions (default: ${DEFAULT-VALUE}).")
    int show;

    @Option(names = "--from-beginning", description = "Read the topic from its start instead of from now on.")
    boolean fromBeginning;

    @Option(names = "--topic", description = "Predictions topic (default: digitflow.topics.predictions).")
    String topic;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    DataOptions data;

    private final DigitflowConfig config;

    @Inject
    public WatchCommand(DigitflowConfig config) {
        this.config = config;
    }

    @Override
    public Integer call() {
        PrintStream out = System.out;
        String source = topic != null ? topic : config.topics().predictions();
        MnistSplit mnist = show > 0 ? mnistOrNull() : null;
        LatencyStats latency = new LatencyStats();
        LatencyStats serviceLatency = new LatencyStats();
        LatencyStats lastSecond = new LatencyStats();
        long received = 0;
        long labelled = 0;
        long correct = 0;
        long firstNanos = 0;
        long lastNanos = 0;
        long lastReport = System.nanoTime();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = kafka.reader("digitflow-watch", consumerConfig())) {
            assignAll(consumer, source);
            out.printf("Watching %s%s%n", source, expect > 0 ? String.format(" for %,d predictions", expect) : "");
            while (expect == 0 || received < expect) {
                if (expect > 0 && System.nanoTime() > deadline) {
                    summary(out, received, labelled, correct, latency, serviceLatency, firstNanos, lastNanos);
                    throw new UserException(source + ": only " + received + " of " + expect
                            + " predictions arrived within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (skip > 0) {
                        skip--;
                        continue;
                    }
                    long now = System.nanoTime();
                    long nowMicros = HarnessHeaders.nowMicros();
                    firstNanos = received == 0 ? now : firstNanos;
                    lastNanos = now;
                    received++;
                    PredictionReading reading = PredictionReading.of(record.value());
                    int digit = reading.digit();
                    if (!Double.isNaN(reading.latencyMs())) {
                        serviceLatency.record((long) (reading.latencyMs() * 1000));
                    }
                    long sentAt = number(header(record, HarnessHeaders.SENT_AT_MICROS));
                    if (sentAt >= 0) {
                        latency.record(nowMicros - sentAt);
                        lastSecond.record(nowMicros - sentAt);
                    }
                    // Other producers share the topic: a label that is not a digit is not counted.
                    long label = number(header(record, HarnessHeaders.LABEL));
                    if (label >= 0 && label <= 9) {
                        labelled++;
                        correct += label == digit ? 1 : 0;
                    }
                    if (received <= show) {
                        draw(out, record, digit, label, mnist);
                    }
                }
                if (System.nanoTime() - lastReport > 1_000_000_000L && received > 0) {
                    lastReport = System.nanoTime();
                    out.println(status(received, labelled, correct, lastSecond, firstNanos, lastNanos));
                    lastSecond.reset();
                }
            }
        }
        summary(out, received, labelled, correct, latency, serviceLatency, firstNanos, lastNanos);
        return 0;
    }

    private void assignAll(KafkaConsumer<String, byte[]> consumer, String source) {
        // Assigned, not subscribed: no group rebalance to wait for, so nothing sent after "Watching" is missed.
        List<PartitionInfo> partitions = consumer.partitionsFor(source, Duration.ofSeconds(30));
        if (partitions == null || partitions.isEmpty()) {
            throw new UserException(source + ": no such topic");
        }
        List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(source, p.partition())).toList();
        consumer.assign(assigned);
        if (fromBeginning) {
            consumer.seekToBeginning(assigned);
        } else {
            consumer.seekToEnd(assigned);
        }
        assigned.forEach(consumer::position); // resolve the positions now, before the user starts sending
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000); // keep up with the service
        // Outputs of the exactly-once mode count once committed; an aborted transaction's would count twice.
        // Without transactions (at-least-once) every record is committed as soon as written: no difference.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
    }

    private MnistSplit mnistOrNull() {
        try {
            return data.repository(config).loadTest().split();
        } catch (RuntimeException e) {
            return null; // drawing is a nicety; predictions are still counted
        }
    }

    private static void draw(PrintStream out, ConsumerRecord<String, byte[]> record, int digit, long label,
                             MnistSplit mnist) {
        long index = number(header(record, HarnessHeaders.MNIST_INDEX));
        if (mnist != null && index >= 0 && index < mnist.count()) {
            out.print(AsciiDigit.renderCompact(mnist.image((int) index)));
        }
        out.printf("%s -> %d%s%n", record.key(), digit,
                label < 0 || label > 9 ? "" : (label == digit ? " (correct)" : " (WRONG, true " + label + ")"));
    }

    private static String status(long received, long labelled, long correct, LatencyStats latency, long first,
                                 long last) {
        double seconds = Math.max(1e-9, (last - first) / 1e9);
        return String.format(Locale.ROOT,
                "%,d predictions - %,.0f/s - accuracy %s - latency in the last second p50 %.1f ms, p99 %.1f ms",
                received, received > 1 ? received / seconds : 0.0,
                labelled == 0 ? "n/a" : String.format(Locale.ROOT, "%.4f", (double) correct / labelled),
                latency.percentileMs(0.50), latency.percentileMs(0.99));
    }

    private static void summary(PrintStream out, long received, long labelled, long correct, LatencyStats latency,
                                LatencyStats serviceLatency, long first, long last) {
        double seconds = (last - first) / 1e9;
        out.printf(Locale.ROOT, "%nSummary: %,d predictions in %.2fs = %,.0f images/s%n", received, seconds,
                received > 1 && seconds > 0 ? received / seconds : 0.0);
        if (labelled > 0) {
            out.printf(Locale.ROOT, "Accuracy: %.4f (%,d of %,d labelled)%n", (double) correct / labelled, correct,
                    labelled);
        }
        if (latency.count() > 0) {
            out.printf(Locale.ROOT, "End-to-end latency: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    latency.percentileMs(0.50), latency.percentileMs(0.95), latency.percentileMs(0.99),
                    latency.percentileMs(1.0));
        }
        if (serviceLatency.count() > 0) {
            out.printf(Locale.ROOT, "  of which input timestamp -> prediction built (the service's latencyMs): "
                            + "p50 %.2f ms, p99 %.2f ms%n", serviceLatency.percentileMs(0.50),
                    serviceLatency.percentileMs(0.99));
        }
        // watch shares the machine it measures: say what it cost.
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            out.printf(Locale.ROOT, "CPU used by this watch process: %.1fs%n", os.getProcessCpuTime() / 1e9);
        }
    }

    /** A header's non-negative decimal value, or -1 when absent or not one. */
    static long number(String text) {
        if (text == null || text.isEmpty() || text.length() > 18) {
            return -1;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(text);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), UTF_8);
    }
}
