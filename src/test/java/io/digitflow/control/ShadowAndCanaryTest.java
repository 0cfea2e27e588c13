package io.digitflow.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.digitflow.config.DigitflowConfig;
import io.digitflow.data.MnistSplit;
import io.digitflow.inference.Classifier;
import io.digitflow.inference.Engines;
import io.digitflow.model.ModelArtifact;
import io.digitflow.registry.ModelFollower;
import io.digitflow.registry.ModelPublisher;
import io.digitflow.registry.ServingModel;
import io.digitflow.stream.CanaryRoute;
import io.digitflow.stream.Prediction;
import io.digitflow.stream.PredictionJson;
import io.digitflow.stream.ServingTestResource;
import io.digitflow.stream.ShadowScores;
import io.digitflow.stream.StreamTap;
import io.digitflow.support.ControlClient;
import io.digitflow.support.KafkaClients;
import io.digitflow.support.TestMnist;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * A retrained candidate from publication to promotion on a real broker, as an operator drives it through the
 * control topic: retrain publishes it (the live gate is on, so it is not promoted); promote is refused until it
 * has been shadowed; shadow scores every image onto the shadow topic, and the agreement metric is the two
 * models' agreement on the same MNIST test digits computed here; the gate refuses a threshold above that
 * agreement and accepts the configured one; then the old model runs as a 20 % canary, answering the keys its
 * hash picks, stably, until rollback ends it.
 */
@QuarkusTest
@QuarkusTestResource(value = ServingTestResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "prefix", value = "exp"),
        @ResourceArg(name = "home", value = ServingTestResource.OWN_HOME),
        @ResourceArg(name = "digitflow.training.min-accuracy", value = "0.9"),
        @ResourceArg(name = "digitflow.training.max-accuracy-drop", value = "0.05"),
        @ResourceArg(name = "digitflow.training.cpu-share", value = "1"),
        @ResourceArg(name = "digitflow.training.min-shadow-agreement", value = "0.9"),
        @ResourceArg(name = "digitflow.training.min-shadow-records", value = "1500"),
        // Every poll batch reports, so that the test sees a report without waiting 30 s.
        @ResourceArg(name = "digitflow.shadow.report-interval", value = "0s")})
class ShadowAndCanaryTest {

    private static final Duration COMMAND = Duration.ofSeconds(30);
    private static final Duration TRAINING = Duration.ofMinutes(5);
    private static final int SHADOWED = 2_000;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "digitflow.model.dir")
    Path modelDir;
    @Inject
    ServingModel models;
    @Inject
    ShadowScores shadowScores;
    @Inject
    ModelFollower follower;
    @Inject
    ModelPublisher publisher;
    @Inject
    DigitflowConfig config;
    @Inject
    EventPublisher events;
    @Inject
    Retrainer retrainer;
    @Inject
    Promotions promotions;
    @Inject
    @io.smallrye.common.annotation.Identifier("default-kafka-broker")
    Map<String, Object> kafka;
    @TestHTTPResource("/q/metrics")
    URI metrics;
    @TestHTTPResource("/v2/models/digitflow/infer")
    URI infer;

    @Test
    void aCandidateIsShadowedGatedOnLiveAgreementPromotedAndTheOldOneRunAsACanary() throws Exception {
        ControlClient control = new ControlClient(bootstrap, "exp");
        String serving = models.active().orElseThrow().version();

        // Retrain: with the live gate on, the model is published, not promoted.
        JsonNode retrained = control.run("exp-retrain", "{\"command\":\"retrain\",\"epochs\":1,\"seed\":99,"
                + "\"includeLabeled\":false}", TRAINING);
        assertThat(retrained.path("status").asText()).as(retrained.toString()).isEqualTo("done");
        assertThat(retrained.path("message").asText()).contains("published, not promoted");
        String candidate = retrained.path("details").path("version").asText();
        Awaitility.await("published").atMost(COMMAND).until(() -> follower.versions().containsKey(candidate));
        assertThat(models.active().orElseThrow().version()).isEqualTo(serving);

        // Promote before any shadow: refused, and says which condition failed.
        JsonNode early = control.run("exp-promote-early", "{\"command\":\"promote\",\"version\":\"" + candidate + "\"}",
                COMMAND);
        assertThat(early.path("status").asText()).isEqualTo("rejected");
        assertThat(early.path("message").asText()).contains("live gate", "shadowed on 0 records", "fewer than 1500",
                "digitflow.training.min-shadow-records");

        // A shadow topic that does not exist would stop every stream at its first shadow record: refused.
        ControlHandler missingTopic = new ControlHandler(withShadowTopic("exp.no-such-topic"), events, retrainer,
                promotions, follower, models, shadowScores, kafka);
        try {
            byte[] value = ("{\"requestId\":\"exp-shadow-nowhere\",\"command\":\"shadow\",\"version\":\""
                    + candidate + "\"}").getBytes(UTF_8);
            missingTopic.handle(new ConsumerRecord<>("exp.control", 0, 900_001, "exp-shadow-nowhere", value));
        } finally {
            missingTopic.close();
        }
        JsonNode nowhere = control.outcome("exp-shadow-nowhere", COMMAND).get(0);
        assertThat(nowhere.path("status").asText()).isEqualTo("rejected");
        assertThat(nowhere.path("message").asText()).contains("exp.no-such-topic", "digitflow.topics.shadow-predictions");
        assertThat(models.experiment()).isEmpty();

        JsonNode shadow = control.run("exp-shadow", "{\"command\":\"shadow\",\"version\":\"" + candidate + "\"}", COMMAND);
        assertThat(shadow.path("status").asText()).as(shadow.toString()).isEqualTo("done");
        Awaitility.await("shadow running").atMost(COMMAND).until(() -> models.experiment()
                .filter(e -> e.kind() == ServingModel.Experiment.Kind.SHADOW)
                .filter(e -> e.candidate().version().equals(candidate)).isPresent());

        // 2,000 labelled test digits: every one predicted by the serving model and, on the shadow topic, by the candidate.
        MnistSplit test = TestMnist.get().test();
        Map<String, Integer> index = new HashMap<>();
        send(test, 0, SHADOWED, "shadowed-", index);
        List<ConsumerRecord<String, byte[]>> main = read(config.topics().predictions(), index);
        List<ConsumerRecord<String, byte[]>> shadowed = read(config.topics().shadowPredictions(), index);
        assertThat(main).extracting(r -> PredictionJson.read(r.value()).model()).containsOnly(serving);
        assertThat(shadowed).extracting(r -> PredictionJson.read(r.value()).model()).containsOnly(candidate);
        assertThat(shadowed).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(index.keySet());

        // The agreement the service reports is the two models' agreement on the same digits, computed here.
        double expected = agreement(serving, candidate, test, index.values());
        ShadowScores.Score score = shadowScores.score(candidate).orElseThrow();
        assertThat(score.scored()).isEqualTo(SHADOWED);
        assertThat(score.agreement()).isCloseTo(expected, within(0.002));
        assertThat(score.labelled()).isEqualTo(SHADOWED);
        String prometheus = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(prometheus).contains("digitflow_shadow_records_total{version=\"" + candidate + "\"} " + SHADOWED + ".0",
                "digitflow_shadow_agreement{version=\"" + candidate + "\"}",
                "digitflow_shadow_accuracy{model=\"candidate\",version=\"" + candidate + "\"}");
        // The dashboard's shadow panels query series that exist now.
        assertThat(io.digitflow.support.DeployedQueries.matching("\\bdigitflow_shadow_[a-z_]+"))
                .contains("digitflow_shadow_records_total", "digitflow_shadow_accuracy")
                .allSatisfy(metric -> assertThat(prometheus).containsPattern("(?m)^" + metric + "[{ ]"));

        // Each replica reports its figures on the events topic, under request id "shadow".
        List<JsonNode> reports = control.eventsUntil(SwapReports.SHADOW_EVENTS, kept -> kept.stream()
                .anyMatch(e -> e.path("details").path("scored").asInt() == SHADOWED), COMMAND);
        JsonNode report = reports.get(reports.size() - 1);
        assertThat(report.path("status").asText()).isEqualTo("progress");
        assertThat(report.path("details").path("version").asText()).isEqualTo(candidate);
        assertThat(report.path("details").path("agreement").asDouble()).isCloseTo(score.agreement(), within(1e-9));
        assertThat(io.digitflow.support.Schemas.problems(io.digitflow.support.Schemas.EVENT, report)).isEmpty();

        // A gate above the measured agreement refuses, naming the agreement; the configured 0.9 accepts.
        assertThat(expected).isBetween(0.9, 0.999);
        Promotions strict = new Promotions(publisher, follower, models, shadowScores, withMinAgreement(expected + 0.001));
        assertThatThrownBy(() -> strict.promotion(Optional.of(candidate)))
                .hasMessageContaining("agreed with the serving model on")
                .hasMessageContaining("digitflow.training.min-shadow-agreement");
        JsonNode promoted = control.run("exp-promote", "{\"command\":\"promote\"}", COMMAND);
        assertThat(promoted.path("status").asText()).as(promoted.toString()).isEqualTo("done");
        assertThat(promoted.path("details").path("active").asText()).isEqualTo(candidate);
        Awaitility.await("promoted").atMost(COMMAND).until(() -> models.active().orElseThrow().version().equals(candidate)
                && models.experiment().isEmpty());

        // The old model as a 20 % canary: the keys its hash picks, and only those, every time.
        JsonNode canary = control.run("exp-canary", "{\"command\":\"canary\",\"version\":\"" + serving
                + "\",\"percent\":20}", COMMAND);
        assertThat(canary.path("status").asText()).as(canary.toString()).isEqualTo("done");
        Awaitility.await("canary running").atMost(COMMAND).until(() -> models.experiment()
                .filter(e -> e.kind() == ServingModel.Experiment.Kind.CANARY).isPresent());
        for (String round : List.of("canary-a-", "canary-b-")) {
            Map<String, Integer> keys = new HashMap<>();
            send(test, 0, 3_000, round, keys);
            List<ConsumerRecord<String, byte[]>> answered = read(config.topics().predictions(), keys);
            int onCanary = 0;
            for (ConsumerRecord<String, byte[]> record : answered) {
                Prediction prediction = PredictionJson.read(record.value());
                // The same numbers in both rounds, so each round's keys hash alike: stable per key.
                boolean expectedCanary = CanaryRoute.toCandidate(record.key(), 20);
                assertThat(prediction.model()).as(record.key()).isEqualTo(expectedCanary ? serving : candidate);
                onCanary += expectedCanary ? 1 : 0;
            }
            assertThat(onCanary / (double) answered.size()).isBetween(0.17, 0.23);
        }
        // Open Inference requests follow the same rule by request id.
        HttpClient http = HttpClient.newHttpClient();
        StringBuilder pixels = new StringBuilder();
        for (byte pixel : test.image(0)) {
            pixels.append(pixels.length() == 0 ? "" : ",").append(pixel & 0xFF);
        }
        for (int i = 0; i < 40; i++) {
            String id = "v2-request-" + i;
            String body = "{\"id\":\"" + id + "\",\"inputs\":[{\"name\":\"input-0\",\"shape\":[1,784],"
                    + "\"datatype\":\"UINT8\",\"data\":[" + pixels + "]}]}";
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(infer).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer.body()).path("model_version").asText()).as(id)
                    .isEqualTo(CanaryRoute.toCandidate(id, 20) ? serving : candidate);
        }
        JsonNode ended = control.run("exp-rollback", "{\"command\":\"rollback\"}", COMMAND);
        assertThat(ended.path("status").asText()).as(ended.toString()).isEqualTo("done");
        assertThat(ended.path("details").path("active").asText()).isEqualTo(candidate);
        Awaitility.await("canary ended").atMost(COMMAND).until(() -> models.experiment().isEmpty());
    }

    private void send(MnistSplit test, int from, int count, String prefix, Map<String, Integer> index) {
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap)) {
            for (int i = from; i < from + count; i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add(StreamTap.LABEL_HEADER, Integer.toString(test.label(i)).getBytes(UTF_8));
                producer.send(new ProducerRecord<>(config.topics().images(), null, prefix + i, test.image(i), headers));
                index.put(prefix + i, i);
            }
            producer.flush();
        }
    }

    private List<ConsumerRecord<String, byte[]>> read(String topic, Map<String, Integer> keys) {
        List<ConsumerRecord<String, byte[]>> read = KafkaClients.readUntil(bootstrap, topic,
                r -> keys.containsKey(r.key()), got -> got.size() >= keys.size(), Duration.ofMinutes(2));
        assertThat(read).as(topic).hasSize(keys.size());
        return read;
    }

    /** The share of the test digits {@code images} on which the two models give the same digit. */
    private double agreement(String a, String b, MnistSplit test, java.util.Collection<Integer> images) {
        byte[][] batch = images.stream().map(test::image).toArray(byte[][]::new);
        float[] first = classify(a, batch);
        float[] second = classify(b, batch);
        int same = 0;
        for (int i = 0; i < batch.length; i++) {
            same += Classifier.argmax(first, i) == Classifier.argmax(second, i) ? 1 : 0;
        }
        return same / (double) batch.length;
    }

    private float[] classify(String version, byte[][] images) {
        ModelArtifact artifact = ModelArtifact.load(modelDir.resolve(version));
        try (Classifier classifier = Engines.create(artifact.network(), version, 512, Engines.Choice.of(config))) {
            float[] out = new float[images.length * Classifier.CLASSES];
            for (int at = 0; at < images.length; at += 512) {
                int count = Math.min(512, images.length - at);
                float[] part = new float[count * Classifier.CLASSES];
                classifier.classify(java.util.Arrays.copyOfRange(images, at, at + count), count, part);
                System.arraycopy(part, 0, out, at * Classifier.CLASSES, part.length);
            }
            return out;
        }
    }

    /** This service's settings with another shadow topic. */
    private DigitflowConfig withShadowTopic(String topic) {
        DigitflowConfig.Topics topics = (DigitflowConfig.Topics) java.lang.reflect.Proxy.newProxyInstance(
                DigitflowConfig.class.getClassLoader(), new Class<?>[] {DigitflowConfig.Topics.class},
                (proxy, method, args) -> method.getName().equals("shadowPredictions") ? topic
                        : method.invoke(config.topics(), args));
        return (DigitflowConfig) java.lang.reflect.Proxy.newProxyInstance(DigitflowConfig.class.getClassLoader(),
                new Class<?>[] {DigitflowConfig.class},
                (proxy, method, args) -> method.getName().equals("topics") ? topics : method.invoke(config, args));
    }

    /** This service's settings with another live-gate agreement. */
    private DigitflowConfig withMinAgreement(double agreement) {
        DigitflowConfig.Training training = (DigitflowConfig.Training) java.lang.reflect.Proxy.newProxyInstance(
                DigitflowConfig.class.getClassLoader(), new Class<?>[] {DigitflowConfig.Training.class},
                (proxy, method, args) -> method.getName().equals("minShadowAgreement") ? Optional.of(agreement)
                        : method.invoke(config.training(), args));
        return (DigitflowConfig) java.lang.reflect.Proxy.newProxyInstance(DigitflowConfig.class.getClassLoader(),
                new Class<?>[] {DigitflowConfig.class},
                (proxy, method, args) -> method.getName().equals("training") ? training : method.invoke(config, args));
    }
}
