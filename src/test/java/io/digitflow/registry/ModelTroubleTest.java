package io.digitflow.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.digitflow.config.DigitflowConfig;
import io.digitflow.model.ModelArtifact;
import io.digitflow.stream.PredictionJson;
import io.digitflow.stream.ServingTestResource;
import io.digitflow.support.ControlClient;
import io.digitflow.support.KafkaClients;
import io.digitflow.support.TestMnist;
import io.digitflow.support.TestModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static java.nio.charset.StandardCharsets.UTF_8;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario "model trouble": a corrupt artifact and one of the wrong shape are published to the models
 * topic and made active. Two replicas (the service's follower and a second one with a model folder of
 * its own) each refuse them with an event, keep serving the model they had, and hide the bad copy.
 */
@QuarkusTest
@QuarkusTestResource(value = ServingTestResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "prefix", value = "trouble"))
class ModelTroubleTest {

    static {
        // ND4J chooses its CPU binary when first touched: in a JVM where this class is first, JavaCPP's own
        // default would load the AVX-512 build even on a CPU without AVX-512 (SIGILL).
        io.digitflow.platform.Nd4jRuntime.ensureTuned();
    }

    private static final String PREFIX = "trouble";
    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "digitflow.topics.images")
    String images;
    @ConfigProperty(name = "digitflow.topics.predictions")
    String predictions;
    @Inject
    DigitflowConfig config;
    @Inject
    ServingModel models;
    @Inject
    Event<ModelSwap> swaps;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    private ModelFollower secondReplica;
    private ServingModel secondModels;
    private Path secondHome;

    @BeforeEach
    void startSecondReplica() throws Exception {
        secondHome = Files.createTempDirectory(TestModels.HOME.getParent(), "second-replica");
        DigitflowConfig own = ownModelFolder(config, secondHome.resolve("models"));
        secondModels = new ServingModel(own, new SimpleMeterRegistry());
        secondModels.activate(ModelArtifact.load(TestModels.ensure()));
        secondReplica = new ModelFollower(own, secondModels, swaps, kafka);
        secondReplica.start();
    }

    @AfterEach
    void stopSecondReplica() {
        secondReplica.stop();
    }

    @Test
    void corruptAndWrongShapedModelsAreRefusedByEveryReplicaWhichKeepServing() throws Exception {
        String serving = models.active().orElseThrow().version();
        assertThat(secondModels.active().orElseThrow().version()).isEqualTo(serving);
        byte[] garbage = new byte[200_000];
        new Random(5).nextBytes(garbage);

        publish("v-corrupt", garbage);
        refusedByBothReplicas("v-corrupt", "not a DL4J model");
        publish("v-wrong-shape", wrongShape());
        refusedByBothReplicas("v-wrong-shape", "gives 5 outputs");

        assertThat(models.active().orElseThrow().version()).isEqualTo(serving);
        assertThat(secondModels.active().orElseThrow().version()).isEqualTo(serving);
        assertThat(config.modelDir().resolve("v-corrupt")).as("hidden from a restart").doesNotExist();
        assertThat(config.modelDir().resolve("v-wrong-shape")).doesNotExist();
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap)) {
            producer.send(new ProducerRecord<>(images, "after-trouble", TestMnist.get().test().image(0)));
        }
        List<ConsumerRecord<String, byte[]>> out = KafkaClients.readUntil(bootstrap, predictions,
                r -> r.key().equals("after-trouble"), got -> !got.isEmpty(), Duration.ofMinutes(1));
        assertThat(PredictionJson.read(out.get(0).value()).model()).isEqualTo(serving);
    }

    private void refusedByBothReplicas(String version, String why) {
        List<JsonNode> refusals = new ControlClient(bootstrap, PREFIX).eventsUntil(ModelFollower.SWAP_EVENTS,
                kept -> kept.stream().filter(e -> isRefusal(e, version)).count() >= 2, Duration.ofMinutes(1));
        List<JsonNode> mine = refusals.stream().filter(e -> isRefusal(e, version)).toList();
        assertThat(mine).hasSize(2);
        assertThat(mine).allSatisfy(e -> assertThat(e.path("message").asText())
                .startsWith("refused " + version + ": ").contains(why).endsWith("still serving "
                        + models.active().orElseThrow().version()));
    }

    private static boolean isRefusal(JsonNode event, String version) {
        return event.path("status").asText().equals("failed") && event.path("details").path("version").asText()
                .equals(version);
    }

    /** A model record under {@code version} with a valid description, then the pointer to it, both signed. */
    private void publish(String version, byte[] zip) throws Exception {
        sendModel(version, version, zip, signatures());
        sendPointer(ModelRecords.pointer(new ActivePointer(version, List.of())), signatures());
    }

    /** The signatures of the replicas' own key pair (the test home's). */
    private ModelSignatures signatures() {
        return ModelSignatures.of(config);
    }

    /** A model record keyed {@code version} whose model.json says {@code named}, signed unless null. */
    private void sendModel(String version, String named, byte[] zip, ModelSignatures signer) throws Exception {
        ObjectNode metadata = (ObjectNode) JSON.readTree(TestModels.ensure().resolve(ModelArtifact.METADATA_FILE).toFile());
        metadata.put("version", named);
        byte[] json = JSON.writeValueAsBytes(metadata);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(config.topics().models(), version, zip);
        record.headers().add(ModelRecords.METADATA_HEADER, json);
        if (signer != null) {
            record.headers().add(ModelSignatures.HEADER, signer.signModel(version, zip, json));
        }
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap)) {
            producer.send(record).get();
        }
    }

    /** A pointer record with exactly these bytes, signed unless {@code signer} is null. */
    private void sendPointer(byte[] value, ModelSignatures signer) throws Exception {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(config.topics().models(), ActivePointer.KEY, value);
        if (signer != null && value != null) {
            record.headers().add(ModelSignatures.HEADER, signer.signPointer(value));
        }
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap)) {
            producer.send(record).get();
        }
    }

    /**
     * Hostile pointers, each signed with the right key (a compromised training role could): a version that
     * is a path to a sibling folder, null, empty and NUL versions, a null record. Every one is refused with
     * an event, the sibling folder is untouched, both replicas keep serving, and a replica started now, with
     * all of them on the compacted topic, starts and serves.
     */
    @Test
    void hostilePointersAreRefusedTouchNothingAndStopNoReplica() throws Exception {
        String serving = models.active().orElseThrow().version();
        Path victim = Files.createDirectories(secondHome.resolve("victim"));
        Files.writeString(victim.resolve("data"), "keep me");
        ModelSignatures signer = signatures();
        sendPointer("{\"version\":\"../victim\",\"history\":[]}".getBytes(UTF_8), signer);
        sendPointer("{\"version\":null,\"history\":[]}".getBytes(UTF_8), signer);
        sendPointer("{\"version\":\"\",\"history\":[]}".getBytes(UTF_8), signer);
        sendPointer("{\"version\":\"v\\u0000x\",\"history\":[]}".getBytes(UTF_8), signer);
        sendPointer("{\"version\":\"v1\",\"history\":[\"../../etc\"]}".getBytes(UTF_8), signer);
        sendPointer("null".getBytes(UTF_8), signer);
        // Experiments: a candidate outside the store, a share no canary can have, the serving version itself.
        sendPointer(("{\"version\":\"" + serving + "\",\"history\":[],\"shadow\":\"../victim\"}").getBytes(UTF_8), signer);
        sendPointer(("{\"version\":\"" + serving + "\",\"history\":[],\"canary\":{\"version\":\"v9\",\"percent\":100}}")
                .getBytes(UTF_8), signer);
        sendPointer(("{\"version\":\"" + serving + "\",\"history\":[],\"shadow\":\"" + serving + "\"}").getBytes(UTF_8), signer);
        sendPointer(null, null);
        List<JsonNode> refusals = new ControlClient(bootstrap, PREFIX).eventsUntil(ModelFollower.SWAP_EVENTS,
                // Each replica reads in order: the refusals of the last record mean all others were handled.
                kept -> kept.stream().filter(e -> e.path("message").asText().contains("no value")).count() >= 2,
                Duration.ofMinutes(1));
        assertThat(refusals.stream().map(e -> e.path("message").asText()).filter(m -> m.contains("refused pointer")))
                .anySatisfy(m -> assertThat(m).contains("../victim").contains("is not a version name"))
                .anySatisfy(m -> assertThat(m).contains("no version"))
                .anySatisfy(m -> assertThat(m).contains("canary percent 100 is not from 1 to 99"))
                .anySatisfy(m -> assertThat(m).contains("candidate " + serving + " is the serving version"))
                .anySatisfy(m -> assertThat(m).contains("no value"));
        assertThat(models.experiment()).isEmpty();
        assertThat(secondModels.experiment()).isEmpty();
        assertThat(victim.resolve("data")).hasContent("keep me");
        try (var siblings = Files.list(secondHome)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).isSubsetOf("victim", "models");
        }
        assertThat(models.active().orElseThrow().version()).isEqualTo(serving);
        assertThat(secondModels.active().orElseThrow().version()).isEqualTo(serving);

        ServingModel thirdModels = new ServingModel(config, new SimpleMeterRegistry());
        thirdModels.activate(ModelArtifact.load(TestModels.ensure()));
        ModelFollower third = new ModelFollower(config, thirdModels, swaps, kafka);
        try {
            third.start();
            assertThat(third.failure()).isEmpty();
            assertThat(thirdModels.active().orElseThrow().version()).isEqualTo(serving);
        } finally {
            third.stop();
        }
        assertThat(new FollowerReadiness(secondReplica).call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }

    /**
     * Model records not signed by the training role: unsigned, signed with another key, and signed but
     * with a model.json naming another version (it would be served under a name other replicas use for
     * other weights). None is written to disk or served.
     */
    @Test
    void unsignedForeignKeyAndMisnamedModelsAreNeitherWrittenNorServed() throws Exception {
        String serving = models.active().orElseThrow().version();
        byte[] zip = Files.readAllBytes(TestModels.ensure().resolve(ModelArtifact.MODEL_FILE));
        ModelSignatures forger = new ModelSignatures(new ModelKeys(Optional.of(ModelKeys.generate().getPrivate()),
                ModelKeys.generate().getPublic(), "forger"));
        java.security.KeyPair other = ModelKeys.generate();
        ModelSignatures otherKey = new ModelSignatures(new ModelKeys(Optional.of(other.getPrivate()), other.getPublic(), "other"));
        sendModel("v-unsigned", "v-unsigned", zip, null);
        sendModel("v-other-key", "v-other-key", zip, otherKey);
        sendModel("v-misnamed", serving, zip, signatures());
        sendPointer(ModelRecords.pointer(new ActivePointer("v-other-key", List.of())), otherKey);
        sendPointer(ModelRecords.pointer(new ActivePointer("v-unsigned", List.of())), forger);
        List<JsonNode> refusals = new ControlClient(bootstrap, PREFIX).eventsUntil(ModelFollower.SWAP_EVENTS,
                kept -> kept.stream().filter(e -> e.path("message").asText().contains("v-misnamed")).count() >= 2
                        && kept.stream().filter(e -> e.path("message").asText().contains("refused pointer record")
                        && e.path("message").asText().contains("wrong signature")).count() >= 4, Duration.ofMinutes(1));
        assertThat(refusals.stream().map(e -> e.path("message").asText()))
                .anySatisfy(m -> assertThat(m).contains("v-unsigned").contains("unsigned"))
                .anySatisfy(m -> assertThat(m).contains("v-other-key").contains("wrong signature"))
                .anySatisfy(m -> assertThat(m).contains("v-misnamed").contains("names version " + serving));
        for (String version : List.of("v-unsigned", "v-other-key", "v-misnamed")) {
            assertThat(config.modelDir().resolve(version)).as(version).doesNotExist();
            assertThat(secondHome.resolve("models").resolve(version)).as(version).doesNotExist();
        }
        assertThat(models.active().orElseThrow().version()).isEqualTo(serving);
        assertThat(secondModels.active().orElseThrow().version()).isEqualTo(serving);
    }

    @Test
    void aDeadFollowerMakesTheReplicaNotReady() {
        assertThat(new FollowerReadiness(secondReplica).call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        secondReplica.died(new OutOfMemoryError("test"));
        assertThat(new FollowerReadiness(secondReplica).call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
    }

    /** A real DL4J model that takes 784 inputs but gives 5 outputs. */
    private static byte[] wrongShape() throws Exception {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(784).nOut(5)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, out, false);
        return out.toByteArray();
    }

    /** The same settings with another model folder: a second replica on its own disk. */
    private static DigitflowConfig ownModelFolder(DigitflowConfig config, Path modelDir) {
        return (DigitflowConfig) Proxy.newProxyInstance(DigitflowConfig.class.getClassLoader(),
                new Class<?>[] {DigitflowConfig.class}, (proxy, method, args) -> method.getName().equals("modelDir")
                        ? modelDir : method.invoke(config, args));
    }
}
