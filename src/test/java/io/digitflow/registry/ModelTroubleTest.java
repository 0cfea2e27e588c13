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
import java.util.Random;

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

    /** A model record under {@code version} with a valid description, then the pointer to it. */
    private void publish(String version, byte[] zip) throws Exception {
        ObjectNode metadata = (ObjectNode) JSON.readTree(TestModels.ensure().resolve(ModelArtifact.METADATA_FILE).toFile());
        metadata.put("version", version);
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap)) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(config.topics().models(), version, zip);
            record.headers().add(ModelRecords.METADATA_HEADER, JSON.writeValueAsBytes(metadata));
            producer.send(record).get();
            producer.send(new ProducerRecord<>(config.topics().models(), ActivePointer.KEY,
                    ModelRecords.pointer(new ActivePointer(version, List.of())))).get();
        }
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
