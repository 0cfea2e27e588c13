package io.digitflow.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.digitflow.broker.KafkaTestResource;
import io.digitflow.kafka.TopicSetup;
import io.digitflow.kafka.TopicSpec;
import io.digitflow.data.MnistSplit;
import io.digitflow.registry.ModelFollower;
import io.digitflow.stream.ServingTestResource;
import io.digitflow.support.AppProcess;
import io.digitflow.support.ControlClient;
import io.digitflow.support.KafkaClients;
import io.digitflow.support.TestFiles;
import io.digitflow.support.TestMnist;
import io.digitflow.support.TestModels;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retraining end to end with the packaged app: two service processes in one consumer group under a
 * steady stream of images; a retrain command is handled by exactly one of them, its model passes the
 * gate, goes out on the models topic, and both swap to it mid-stream without losing a prediction or
 * going back and forth; a third process started later, with no model on disk, serves the promoted
 * version from the models topic; a rollback brings the old version back on all three.
 *
 * <p>Each process has its own DIGITFLOW_HOME (a copy of the test model, the third none at all), as
 * replicas on different machines would: models reach them only through Kafka, never a shared disk.
 */
class RetrainAndSwapIT {

    private static final String PREFIX = "swap";
    private static final String THIRD = "swap3";
    private static final Duration TRAINING = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Prediction(String key, String model, int partition, long offset) {
    }

    @Test
    void retrainSwapsEveryReplicaMidStreamAndRollbackSwapsBack() throws Exception {
        String bootstrap = KafkaTestResource.bootstrapServers();
        createTopics(bootstrap);
        Path oldModel = TestModels.ensure();
        String oldVersion = oldModel.getFileName().toString();
        Path root = Files.createDirectories(Path.of("target", "it-control")).toAbsolutePath();
        Path homeA = freshHome(root.resolve("home-a"), oldModel);
        Path homeB = freshHome(root.resolve("home-b"), oldModel);
        Path homeC = freshHome(root.resolve("home-c"), null);
        Path logs = Files.createDirectories(Path.of("target", "it-logs"));
        // One training role: every replica has its own home, so they share the test home's key pair
        // (else each would create its own and refuse the others' models).
        io.digitflow.registry.ModelKeys.local(TestModels.HOME);
        Path keyPair = TestModels.HOME.resolve("keys").toAbsolutePath();
        Map<String, String> settings = Map.ofEntries(
                Map.entry("digitflow.model.signing-key", "file:" + keyPair.resolve("model-signing.key")),
                Map.entry("digitflow.model.verify-key", "file:" + keyPair.resolve("model-verify.pub")),
                Map.entry("digitflow.topics.control", PREFIX + ".control"),
                Map.entry("digitflow.topics.models", PREFIX + ".models"),
                Map.entry("digitflow.topics.events", PREFIX + ".events"),
                Map.entry("digitflow.topics.labeled", PREFIX + ".labeled"),
                // One epoch reaches ~0.96: the gate is set where that passes; its refusals are tested elsewhere.
                Map.entry("digitflow.training.min-accuracy", "0.9"),
                Map.entry("digitflow.training.max-accuracy-drop", "0.05"),
                Map.entry("digitflow.serve.train-if-missing", "false"),
                // One cache of native libraries for all three, not 400 MB each.
                Map.entry("org.bytedeco.javacpp.cachedir", TestModels.HOME.resolve("javacpp").toString()));
        ControlClient control = new ControlClient(bootstrap, PREFIX);
        AtomicBoolean streaming = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        Thread stream = new Thread(() -> stream(bootstrap, streaming, sent), "image-stream");
        List<Prediction> predictions = new ArrayList<>();
        try (AppProcess a = AppProcess.serve(bootstrap, PREFIX, log(logs, "a"), settings, homeA);
             AppProcess b = AppProcess.serve(bootstrap, PREFIX, log(logs, "b"), settings, homeB);
             KafkaConsumer<String, byte[]> reader = KafkaClients.consumer(bootstrap, PREFIX + ".predictions")) {
            Runnable drain = () -> reader.poll(Duration.ofMillis(200)).forEach(r -> predictions.add(parse(r)));
            stream.start();
            await("old model serving").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100)).until(() -> {
                drain.run();
                return predictions.size() >= 1_000 || !a.isAlive() || !b.isAlive();
            });
            assertThat(a.isAlive() && b.isAlive()).as("both services running (see target/it-logs)").isTrue();

            control.send("retrain-1", "{\"command\":\"retrain\",\"epochs\":1,\"seed\":3,\"includeLabeled\":false}");
            List<JsonNode> retrain = control.outcome("retrain-1", TRAINING);
            JsonNode done = retrain.get(retrain.size() - 1);
            assertThat(done.path("status").asText()).as(retrain.toString()).isEqualTo("done");
            String newVersion = done.path("details").path("version").asText();
            assertThat(newVersion).isNotEqualTo(oldVersion);
            // Exactly one replica handled it: one accepted, every event from the same process, one of ours.
            assertThat(retrain).filteredOn(e -> e.path("status").asText().equals("accepted")).hasSize(1);
            assertThat(retrain.stream().map(e -> e.path("replica").asText()).distinct()).hasSize(1);
            assertThat(pid(retrain.get(0))).isIn(a.pid(), b.pid());

            awaitSwaps(control, newVersion, Set.of(a.pid(), b.pid()));
            await("new model in every partition").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        drain.run();
                        return predictions.stream().filter(p -> p.model().equals(newVersion))
                                .map(Prediction::partition).distinct().count() == 3;
                    });

            // A replica started after the promotion, with no model on disk, serves the promoted one.
            try (AppProcess c = AppProcess.serve(bootstrap, THIRD, log(logs, "c"), thirdSettings(settings), homeC)) {
                assertThat(classifyOnThird(bootstrap, "c-before")).containsOnly(newVersion);

                // The operator's view, through the CLI: both versions listed, the new one active.
                Map<String, String> cli = Map.of("DIGITFLOW_TOPICS_CONTROL", PREFIX + ".control",
                        "DIGITFLOW_TOPICS_MODELS", PREFIX + ".models", "DIGITFLOW_TOPICS_EVENTS", PREFIX + ".events");
                AppProcess.Result models = AppProcess.run(cli, "models", "--bootstrap-servers", bootstrap);
                assertThat(models.exitCode()).as(models.err()).isZero();
                assertThat(models.out()).containsPattern(newVersion + " +0\\.9\\d{3} +1 +active")
                        .containsPattern(oldVersion + " +0\\.9\\d{3} +1 +served before")
                        .contains("Active: " + newVersion + " (rollback returns to " + oldVersion + ")");

                AppProcess.Result rollback = AppProcess.run(cli, "control", "rollback", "--request-id", "rollback-1",
                        "--bootstrap-servers", bootstrap);
                assertThat(rollback.exitCode()).as(rollback.out() + rollback.err()).isZero();
                assertThat(rollback.out()).contains("done: active is now " + oldVersion);
                awaitSwaps(control, oldVersion, Set.of(a.pid(), b.pid(), c.pid()));
                assertThat(classifyOnThird(bootstrap, "c-after")).containsOnly(oldVersion);
            }
            await("old model back in every partition").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        drain.run();
                        return lastVersionPerPartition(predictions).values().stream().allMatch(oldVersion::equals)
                                && lastVersionPerPartition(predictions).size() == 3;
                    });
            streaming.set(false);
            stream.join();
            await("every image predicted").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> {
                drain.run();
                return predictions.stream().map(Prediction::key).distinct().count() >= sent.get();
            });
        } finally {
            streaming.set(false);
            stream.join();
        }
        Set<String> keys = predictions.stream().map(Prediction::key).collect(Collectors.toSet());
        assertThat(keys).hasSize(sent.get());
        for (int i = 0; i < sent.get(); i++) {
            assertThat(keys).contains("img-" + i);
        }
        assertOldThenNewThenOldInEveryPartition(predictions, oldVersion);
        System.out.printf("Retrain test: %d images, %d predictions, swapped %s -> %s -> %s%n", sent.get(),
                predictions.size(), oldVersion, predictions.stream().map(Prediction::model)
                        .filter(m -> !m.equals(oldVersion)).findFirst().orElse("?"), oldVersion);
    }

    /**
     * In input-offset order, every partition's predictions go old version, new version, old version
     * (after the rollback), each phase non-empty and never back and forth: a swap takes effect between
     * batches and stays. Re-deliveries (same offset twice) count once, first seen.
     */
    private static void assertOldThenNewThenOldInEveryPartition(List<Prediction> predictions, String oldVersion) {
        Map<Integer, TreeMap<Long, String>> byPartition = new HashMap<>();
        for (Prediction p : predictions) {
            byPartition.computeIfAbsent(p.partition(), x -> new TreeMap<>()).putIfAbsent(p.offset(), p.model());
        }
        assertThat(byPartition).hasSize(3);
        byPartition.forEach((partition, versions) -> {
            List<String> phases = new ArrayList<>();
            versions.values().forEach(v -> {
                if (phases.isEmpty() || !phases.get(phases.size() - 1).equals(v)) {
                    phases.add(v);
                }
            });
            assertThat(phases).as("model phases of partition %d", partition).hasSize(3);
            assertThat(phases.get(0)).isEqualTo(oldVersion);
            assertThat(phases.get(1)).isNotEqualTo(oldVersion);
            assertThat(phases.get(2)).isEqualTo(oldVersion);
        });
    }

    private static Map<Integer, String> lastVersionPerPartition(List<Prediction> predictions) {
        Map<Integer, String> last = new HashMap<>();
        Map<Integer, Long> offsets = new HashMap<>();
        for (Prediction p : predictions) {
            if (p.offset() >= offsets.getOrDefault(p.partition(), -1L)) {
                offsets.put(p.partition(), p.offset());
                last.put(p.partition(), p.model());
            }
        }
        return last;
    }

    /**
     * Waits until every process in {@code pids} reported that it serves
     * {@code version}. Predictions meanwhile wait on the broker; the reader catches up afterwards.
     */
    private static void awaitSwaps(ControlClient control, String version, Set<Long> pids) {
        control.eventsUntil(ModelFollower.SWAP_EVENTS, events -> events.stream()
                .filter(e -> e.path("details").path("version").asText().equals(version))
                .map(RetrainAndSwapIT::pid).collect(Collectors.toSet()).containsAll(pids), Duration.ofMinutes(2));
    }

    private static long pid(JsonNode event) {
        String replica = event.path("replica").asText();
        return Long.parseLong(replica.substring(replica.lastIndexOf('/') + 1));
    }

    private static Prediction parse(ConsumerRecord<String, byte[]> record) {
        try {
            JsonNode json = JSON.readTree(record.value());
            return new Prediction(record.key(), json.path("model").asText(), json.path("partition").asInt(),
                    json.path("offset").asLong());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** About 200 images a second until told to stop; keys img-0, img-1, ... */
    private static void stream(String bootstrap, AtomicBoolean streaming, AtomicInteger sent) {
        MnistSplit test = TestMnist.get().test();
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap)) {
            long next = System.nanoTime();
            while (streaming.get()) {
                for (int k = 0; k < 20; k++) {
                    int i = sent.get();
                    producer.send(new ProducerRecord<>(PREFIX + ".images", "img-" + i, test.image(i % test.count())));
                    sent.incrementAndGet();
                }
                producer.flush();
                // Pacing the load generator, not waiting for the system under test.
                next += 100_000_000L;
                java.util.concurrent.locks.LockSupport.parkNanos(next - System.nanoTime());
            }
        }
    }

    private static List<String> classifyOnThird(String bootstrap, String prefix) {
        MnistSplit test = TestMnist.get().test();
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap)) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>(THIRD + ".images", prefix + "-" + i, test.image(i)));
            }
        }
        return KafkaClients.readUntil(bootstrap, THIRD + ".predictions", r -> r.key().startsWith(prefix + "-"),
                        kept -> kept.size() >= 50, Duration.ofMinutes(3))
                .stream().map(r -> parse(r).model()).distinct().toList();
    }

    /** The third replica classifies its own images topic, but shares the control group: it must not handle commands twice. */
    private static Map<String, String> thirdSettings(Map<String, String> settings) {
        Map<String, String> third = new HashMap<>(settings);
        third.put("mp.messaging.incoming.control.group.id", PREFIX + "-service-control");
        return third;
    }

    private static void createTopics(String bootstrap) {
        List<TopicSpec> topics = new ArrayList<>(ServingTestResource.controlTopics(PREFIX));
        for (String prefix : List.of(PREFIX, THIRD)) {
            topics.add(new TopicSpec(prefix + ".images", 3, Map.of()));
            topics.add(new TopicSpec(prefix + ".predictions", 3, Map.of()));
            topics.add(new TopicSpec(prefix + ".images.dlq", 1, Map.of()));
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicSetup.ensure(admin, topics, Duration.ofSeconds(30));
        }
    }

    private static Path freshHome(Path home, Path model) throws java.io.IOException {
        TestFiles.deleteRecursively(home);
        Path models = Files.createDirectories(home.resolve("models"));
        if (model != null) {
            Path copy = Files.createDirectories(models.resolve(model.getFileName()));
            try (var files = Files.list(model)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, copy.resolve(f.getFileName()));
                }
            }
        }
        return home;
    }

    private static Path log(Path logs, String name) throws java.io.IOException {
        Path log = logs.resolve("retrain-" + name + ".log");
        Files.deleteIfExists(log);
        return log;
    }
}
