package io.digitflow.cli;

import io.digitflow.kafka.TopicReader;
import io.digitflow.config.DigitflowConfig;
import io.digitflow.model.ModelMetadata;
import io.digitflow.registry.ActivePointer;
import io.digitflow.registry.ModelRecords;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/** {@code digitflow models}: the versions on the models topic, their test accuracy, and which one serves. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"List the model versions published on the models topic (digitflow.topics.models) with "
                + "their test accuracy, and mark the active one every replica serves."})
public class ModelsCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    private final DigitflowConfig config;

    @Inject
    public ModelsCommand(DigitflowConfig config) {
        this.config = config;
    }

    @Override
    public Integer call() throws IOException {
        Map<String, ModelMetadata> versions = new TreeMap<>();
        AtomicReference<ActivePointer> active = new AtomicReference<>();
        String topic = config.topics().models();
        try (KafkaConsumer<String, byte[]> consumer = kafka.reader("digitflow-models-command")) {
            TopicReader.readToEnd(consumer, topic, record -> {
                try {
                    if (record.key() == null || record.value() == null) {
                        return;
                    }
                    if (record.key().equals(ActivePointer.KEY)) {
                        active.set(ModelRecords.pointer(record.value()));
                        return;
                    }
                    Header header = record.headers().lastHeader(ModelRecords.METADATA_HEADER);
                    if (header != null) {
                        versions.put(record.key(), ModelRecords.metadata(header.value()));
                    }
                } catch (IOException e) {
                    System.err.println(topic + ": record " + record.key() + " at offset " + record.offset()
                            + " is unreadable (" + e.getMessage() + ")");
                }
            });
        }
        PrintStream out = System.out;
        if (versions.isEmpty()) {
            out.println("No models on " + topic + " yet: a model is published when a retrain passes the quality gate.");
            return 0;
        }
        Optional<ActivePointer> pointer = Optional.ofNullable(active.get());
        out.printf("%-22s %-14s %-8s %s%n", "VERSION", "TEST ACCURACY", "EPOCHS", "");
        versions.forEach((version, metadata) -> out.printf("%-22s %-14.4f %-8d %s%n", version,
                metadata.testAccuracy(), metadata.hyperparameters().epochs(),
                pointer.map(p -> role(p, version)).orElse("")));
        pointer.ifPresent(p -> out.println("Active: " + p.version() + (p.history().isEmpty() ? ""
                : " (rollback returns to " + p.history().get(p.history().size() - 1) + ")")
                + (p.shadow() != null ? "; shadow " + p.shadow() : "")
                + (p.canary() != null ? "; canary " + p.canary().version() + " on " + p.canary().percent() + " % of keys" : "")));
        return 0;
    }

    /** What a version is to the pointer: active, under experiment, served before, or nothing. */
    static String role(ActivePointer pointer, String version) {
        if (pointer.version().equals(version)) {
            return "active";
        }
        if (version.equals(pointer.shadow())) {
            return "shadow";
        }
        if (pointer.canary() != null && version.equals(pointer.canary().version())) {
            return "canary " + pointer.canary().percent() + " %";
        }
        return pointer.history().contains(version) ? "served before" : "";
    }
}
