package io.digitflow.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.digitflow.kafka.Topics;
import io.digitflow.control.CommandSignature;
import io.digitflow.data.MnistSplit;
import io.digitflow.support.AppProcess;
import io.digitflow.support.SecureKafka;
import io.digitflow.support.TestMnist;
import io.digitflow.support.TestModels;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The packaged service against a broker in secure mode (SASL_SSL, SCRAM, standard authorizer, the ACLs of
 * deploy/security/acls.txt), configured only through the environment variables the README names: it
 * serves with its own least-privilege principal, the CLI controls it as the operator with signed
 * commands, a producer cannot control it, unsigned / wrongly signed / stale / replayed commands are
 * rejected with an event, and no password or secret shows up in its log, the CLI's output, the events
 * or the metrics.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecureServiceIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final int IMAGES = 200;

    private static SecureKafka kafka;
    private static Process service;
    private static Path log;
    private static int httpPort;
    private static String hmacSecret;
    /** Everything the CLI printed in these tests: checked for secrets at the end. */
    private static final List<String> cliOutput = new ArrayList<>();

    @BeforeAll
    static void startBrokerAndService() throws Exception {
        kafka = SecureKafka.start();
        TestModels.ensure();
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        hmacSecret = HexFormat.of().formatHex(secret);
        httpPort = freePort();
        log = Files.createDirectories(Path.of("target", "it-logs")).resolve("secure-service.log");
        Files.deleteIfExists(log);
        List<String> jvm = List.of("-Dquarkus.http.port=" + httpPort,
                // Kafka's clients print their whole configuration at INFO: exactly where a password would
                // leak, so the log under test has it.
                "-Dquarkus.log.category.\"org.apache.kafka\".level=INFO",
                // Quarkus keeps the dumps' own category quieter; named, it prints them.
                "-Dquarkus.log.category.\"org.apache.kafka.common.config.AbstractConfig\".level=INFO",
                "-Dquarkus.log.category.\"io.smallrye.reactive.messaging\".level=INFO");
        ProcessBuilder builder = new ProcessBuilder(AppProcess.command(jvm, List.of("serve")))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("DIGITFLOW_HOME", TestModels.HOME.toString());
        builder.environment().putAll(kafka.environment(SecureKafka.SERVICE));
        builder.environment().put("DIGITFLOW_CONTROL_HMAC_SECRET", hmacSecret);
        service = builder.start();
        HttpClient http = HttpClient.newHttpClient();
        await("service ready over SASL_SSL (see " + log + ")").atMost(TIMEOUT).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    if (!service.isAlive()) {
                        throw new IllegalStateException("the service exited; see " + log);
                    }
                    try {
                        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                                + "/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.destroy();
            if (!service.waitFor(30, TimeUnit.SECONDS)) {
                service.destroyForcibly().waitFor();
            }
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Order(1)
    void theServiceClassifiesImagesOfTheProducerForTheConsumer() throws Exception {
        MnistSplit test = TestMnist.get().test();
        try (KafkaProducer<String, byte[]> producer = producer(SecureKafka.PRODUCER)) {
            for (int i = 0; i < IMAGES; i++) {
                producer.send(new ProducerRecord<>(Topics.IMAGES, "img-" + i, test.image(i)));
            }
            producer.send(new ProducerRecord<>(Topics.IMAGES, "bad-1", new byte[10])).get(60, TimeUnit.SECONDS);
        }
        Map<String, JsonNode> predictions = new HashMap<>();
        Map<String, Object> props = kafka.client(SecureKafka.CONSUMER);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "digitflow-consumer-it");
        try (KafkaConsumer<String, byte[]> consumer = consumer(props)) {
            consumer.subscribe(List.of(Topics.PREDICTIONS));
            await("predictions for the consumer").atMost(TIMEOUT).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    predictions.put(r.key(), JSON.readTree(r.value()));
                }
                return predictions.size() >= IMAGES;
            });
        }
        long right = 0;
        for (int i = 0; i < IMAGES; i++) {
            right += predictions.get("img-" + i).path("digit").asInt() == test.label(i) ? 1 : 0;
        }
        assertThat(right).as("correct predictions of %d", IMAGES).isGreaterThan(IMAGES * 9L / 10);
        // The dead letter proves the service may write the DLQ too; read as the super user, since no
        // other principal is granted the DLQ.
        List<ConsumerRecord<String, byte[]>> dlq = readAll(kafka.client(SecureKafka.BROKER), Topics.IMAGES_DLQ,
                records -> records.stream().anyMatch(r -> "bad-1".equals(r.key())));
        assertThat(header(dlq.stream().filter(r -> "bad-1".equals(r.key())).findFirst().orElseThrow(),
                "dead-letter-reason-code")).isNotBlank();
    }

    @Test
    @Order(2)
    void theOperatorsCliSignsCommandsAndGetsTheirOutcome() throws Exception {
        AppProcess.Result status = cli(SecureKafka.OPERATOR, "control", "status");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out()).contains("(signed)").contains("done: status");
    }

    @Test
    @Order(3)
    void aPrincipalWithoutWriteOnControlCannotTriggerARetrain() throws Exception {
        long before = endOffset(Topics.CONTROL);
        byte[] retrain = "{\"requestId\":\"denied-1\",\"command\":\"retrain\",\"epochs\":1}".getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<String, byte[]> producer = producer(SecureKafka.PRODUCER)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.CONTROL, "denied-1", retrain))
                    .get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TopicAuthorizationException.class)
                    .hasMessageContaining(Topics.CONTROL);
        }
        // The CLI as the service's own principal, which may read the outcomes but not give commands: the
        // broker's refusal, in one line.
        AppProcess.Result cli = cli(SecureKafka.SERVICE, "control", "retrain", "--epochs", "1");
        assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(1);
        assertThat(cli.err()).contains("Not authorized to access topics: [" + Topics.CONTROL + "]");
        assertThat(endOffset(Topics.CONTROL)).as("the broker wrote nothing to the control topic").isEqualTo(before);
    }

    @Test
    @Order(4)
    void unsignedWronglySignedStaleAndReplayedCommandsAreRejected() throws Exception {
        Clock now = Clock.systemUTC();
        CommandSignature right = new CommandSignature(hmacSecret, Duration.ofMinutes(5), now);
        CommandSignature otherSecret = new CommandSignature("0".repeat(64), Duration.ofMinutes(5), now);
        CommandSignature tenMinutesAgo = new CommandSignature(hmacSecret, Duration.ofMinutes(5),
                Clock.fixed(Instant.now().minus(Duration.ofMinutes(10)), ZoneOffset.UTC));
        try (KafkaProducer<String, byte[]> operator = producer(SecureKafka.OPERATOR)) {
            send(operator, "unsigned-1", null);
            send(operator, "wrong-1", otherSecret);
            send(operator, "stale-1", tenMinutesAgo);
            ProducerRecord<String, byte[]> signed = send(operator, "signed-1", right);
            // The same record again, byte for byte and header for header: a replay.
            operator.send(signed).get(60, TimeUnit.SECONDS);
        }
        assertThat(outcome("unsigned-1", 1)).extracting(e -> e.path("message").asText())
                .singleElement().asString().startsWith("unsigned command");
        assertThat(outcome("wrong-1", 1)).extracting(e -> e.path("message").asText())
                .singleElement().asString().startsWith("wrong signature");
        assertThat(outcome("stale-1", 1)).extracting(e -> e.path("message").asText())
                .singleElement().asString().startsWith("stale command");
        List<JsonNode> signed = outcome("signed-1", 2);
        assertThat(signed).extracting(e -> e.path("status").asText()).containsExactly("done", "rejected");
        assertThat(signed.get(1).path("message").asText()).contains("handled already");
        assertThat(outcome("unsigned-1", 1).get(0).path("status").asText()).isEqualTo("rejected");
    }

    /**
     * A replica principal may write digits.models, but without the training role's signing key what it
     * writes is refused: a forged model (real weights under a new name, signed with another key) and a
     * pointer to it leave the service serving what it served.
     */
    @Test
    @Order(5)
    void aForgedModelFromAReplicaPrincipalChangesNothing() throws Exception {
        String serving = predictionModel("before-forgery");
        java.security.KeyPair forger = io.digitflow.registry.ModelKeys.generate();
        io.digitflow.registry.ModelSignatures forged = new io.digitflow.registry.ModelSignatures(
                new io.digitflow.registry.ModelKeys(java.util.Optional.of(forger.getPrivate()), forger.getPublic(), "forger"));
        Path model = TestModels.ensure();
        byte[] zip = Files.readAllBytes(model.resolve("model.zip"));
        com.fasterxml.jackson.databind.node.ObjectNode metadata = (com.fasterxml.jackson.databind.node.ObjectNode)
                JSON.readTree(model.resolve("model.json").toFile());
        metadata.put("version", "v-forged");
        byte[] json = JSON.writeValueAsBytes(metadata);
        byte[] pointer = io.digitflow.registry.ModelRecords.pointer(new io.digitflow.registry.ActivePointer("v-forged", List.of()));
        Map<String, Object> replicaClient = kafka.client(SecureKafka.SERVICE);
        replicaClient.put(ProducerConfig.ACKS_CONFIG, "all");
        replicaClient.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_RECORD_BYTES);
        try (KafkaProducer<String, byte[]> replica = new KafkaProducer<>(replicaClient, new StringSerializer(),
                new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.MODELS, "v-forged", zip);
            record.headers().add(io.digitflow.registry.ModelRecords.METADATA_HEADER, json);
            record.headers().add(io.digitflow.registry.ModelSignatures.HEADER, forged.signModel("v-forged", zip, json));
            replica.send(record).get(60, TimeUnit.SECONDS);
            ProducerRecord<String, byte[]> active = new ProducerRecord<>(Topics.MODELS, "active", pointer);
            active.headers().add(io.digitflow.registry.ModelSignatures.HEADER, forged.signPointer(pointer));
            replica.send(active).get(60, TimeUnit.SECONDS);
        }
        List<JsonNode> refusals = readAll(kafka.client(SecureKafka.OPERATOR), Topics.EVENTS,
                all -> all.stream().filter(r -> "model-swap".equals(r.key())).map(SecureServiceIT::json)
                        .filter(e -> e.path("message").asText().contains("wrong signature")).count() >= 2)
                .stream().filter(r -> "model-swap".equals(r.key())).map(SecureServiceIT::json).toList();
        assertThat(refusals).extracting(e -> e.path("message").asText())
                .anySatisfy(m -> assertThat(m).contains("v-forged").contains("wrong signature"));
        assertThat(predictionModel("after-forgery")).isEqualTo(serving).isNotEqualTo("v-forged");
    }

    /** The model named in the prediction of one image sent now under {@code key}. */
    private static String predictionModel(String key) throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer(SecureKafka.PRODUCER)) {
            producer.send(new ProducerRecord<>(Topics.IMAGES, key, TestMnist.get().test().image(0))).get(60, TimeUnit.SECONDS);
        }
        Map<String, Object> props = kafka.client(SecureKafka.CONSUMER);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "digitflow-consumer-" + key);
        String[] model = new String[1];
        try (KafkaConsumer<String, byte[]> consumer = consumer(props)) {
            consumer.subscribe(List.of(Topics.PREDICTIONS));
            await("prediction " + key).atMost(TIMEOUT).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key())) {
                        model[0] = JSON.readTree(r.value()).path("model").asText();
                    }
                }
                return model[0] != null;
            });
        }
        return model[0];
    }

    @Test
    @Order(6)
    void noPasswordOrSecretAppearsInTheLogTheCliTheEventsOrTheMetrics() throws Exception {
        String serviceLog = Files.readString(log);
        assertThat(serviceLog).as("the log under test has Kafka's configuration dumps, with the login masked")
                .contains("sasl.jaas.config = [hidden]").contains("ssl.truststore.password = [hidden]");
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + httpPort + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("digitflow_records_in_total");
        String events = String.join("\n", readAll(kafka.client(SecureKafka.OPERATOR), Topics.EVENTS, r -> true)
                .stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList());
        assertThat(events).contains("signed-1");
        List<String> secrets = new ArrayList<>(kafka.passwords());
        secrets.add(hmacSecret);
        for (String secret : secrets) {
            assertThat(serviceLog).as("service log").doesNotContain(secret);
            assertThat(String.join("\n", cliOutput)).as("CLI output").doesNotContain(secret);
            assertThat(events).as("events").doesNotContain(secret);
            assertThat(metrics).as("metrics").doesNotContain(secret);
        }
    }

    private static AppProcess.Result cli(String user, String... args) throws Exception {
        Map<String, String> env = new HashMap<>(kafka.environment(user));
        env.put("DIGITFLOW_CONTROL_HMAC_SECRET", hmacSecret);
        AppProcess.Result result = AppProcess.run(env, args);
        cliOutput.add(result.out());
        cliOutput.add(result.err());
        return result;
    }

    /** Sends a status command keyed {@code id}, signed with {@code signature} unless null; returns the record. */
    private static ProducerRecord<String, byte[]> send(KafkaProducer<String, byte[]> producer, String id,
                                                       CommandSignature signature) throws Exception {
        byte[] value = ("{\"requestId\":\"" + id + "\",\"command\":\"status\"}").getBytes(StandardCharsets.UTF_8);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.CONTROL, id, value);
        if (signature != null) {
            for (Header header : signature.sign(id, value)) {
                record.headers().add(header);
            }
        }
        producer.send(record).get(60, TimeUnit.SECONDS);
        return record;
    }

    /** The events of {@code requestId}, read as the operator, once {@code finals} final ones are there. */
    private static List<JsonNode> outcome(String requestId, int finals) {
        List<ConsumerRecord<String, byte[]>> records = readAll(kafka.client(SecureKafka.OPERATOR), Topics.EVENTS,
                all -> all.stream().filter(r -> requestId.equals(r.key())).map(SecureServiceIT::json)
                        .filter(e -> !List.of("accepted", "progress").contains(e.path("status").asText()))
                        .count() >= finals);
        return records.stream().filter(r -> requestId.equals(r.key())).map(SecureServiceIT::json).toList();
    }

    /** Reads {@code topic} from the start without a group (assigned partitions) until {@code done} holds. */
    private static List<ConsumerRecord<String, byte[]>> readAll(Map<String, Object> client, String topic,
                                                                Predicate<List<ConsumerRecord<String, byte[]>>> done) {
        List<ConsumerRecord<String, byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer(client)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            await(topic).atMost(TIMEOUT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                boolean atEnd = end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                return atEnd && done.test(read);
            });
        }
        return read;
    }

    private static long endOffset(String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            TopicPartition partition = new TopicPartition(topic, 0);
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                    .get(30, TimeUnit.SECONDS).offset();
        }
    }

    private static KafkaProducer<String, byte[]> producer(String user) {
        Map<String, Object> props = kafka.client(user);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<String, byte[]> consumer(Map<String, Object> client) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_RECORD_BYTES);
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static JsonNode json(ConsumerRecord<String, byte[]> record) {
        try {
            return JSON.readTree(record.value());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        // Closed again before the service binds it; another process taking it in between would only make
        // the service fail to start, loudly.
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
