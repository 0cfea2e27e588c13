package io.digitflow.stream;

import io.digitflow.data.MnistSplit;
import io.digitflow.inference.NativeKernel;
import io.digitflow.registry.ServingModel;
import io.digitflow.support.KafkaClients;
import io.digitflow.support.Pictures;
import io.digitflow.support.Schemas;
import io.digitflow.support.TestMnist;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/** The whole MNIST test set and a mix of formats through the service on a real broker. */
@QuarkusTest
@QuarkusTestResource(value = ServingTestResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "prefix", value = "e2e"))
class StreamEndToEndTest {

    private static final int JSON_FLAT = 100;
    private static final int JSON_ROWS = 100;
    private static final int PNG = 50;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "digitflow.topics.images")
    String images;
    @ConfigProperty(name = "digitflow.topics.predictions")
    String predictions;
    @ConfigProperty(name = "digitflow.topics.labeled")
    String labeledTopic;
    @Inject
    ServingModel models;
    @TestHTTPResource("/q/health/ready")
    URI readiness;
    @TestHTTPResource("/q/metrics")
    URI metrics;

    @Test
    void readinessNamesTheServedModelAndKafkaAndMetricsAreExported() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        // Ready once the images consumer has its partitions (images-assignment), seconds after start.
        HttpResponse<String> ready = org.awaitility.Awaitility.await("ready").atMost(java.time.Duration.ofMinutes(1))
                .pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> http.send(HttpRequest.newBuilder(readiness).build(), HttpResponse.BodyHandlers.ofString()),
                        r -> r.statusCode() == 200);
        assertThat(ready.body()).contains("images-assignment");
        // The data path ran on synthetic images before the channel polled (digitflow.serve.warm-up).
        assertThat(ready.body()).contains(WarmUpReadiness.NAME).containsPattern("done: [0-9,]+ synthetic images");
        assertThat(ready.body()).contains("\"model\"").contains(models.active().orElseThrow().version())
                .contains("SmallRye Reactive Messaging - readiness check");
        // The default engine is auto: the native kernel's fastest fp32 path wherever it loads.
        assertThat(ready.body()).contains(NativeKernel.isAvailable()
                ? "\"engine\": \"native " + NativeKernel.bestExactPath().orElseThrow().id() + "\"" : "\"engine\": \"nd4j\"");
        HttpResponse<String> prometheus = http.send(HttpRequest.newBuilder(metrics).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("digitflow_records_in_total", "digitflow_predictions_out_total",
                "digitflow_dead_letters_total{reason=\"wrong-length\"", "digitflow_engine_batch_size",
                "digitflow_latency_seconds", "digitflow_model_active{version=\"" + models.active().orElseThrow().version());
        // The Grafana dashboard and the alert rules of the deployment query only metrics the service exports.
        java.util.Set<String> queried = io.digitflow.support.DeployedQueries.matching("\\b(?:digitflow|kafka)_[a-z_]+");
        // Live-accuracy series exist per model version once labelled records came: liveAccuracy... checks those;
        // shadow series once a shadow ran: ShadowAndCanaryTest checks those.
        queried.removeIf(metric -> metric.startsWith("digitflow_live_") || metric.startsWith("digitflow_shadow_"));
        assertThat(queried).as("metrics in deploy/grafana/digitflow.json and deploy/compose/alerts.yml").contains("kafka_consumer_fetch_manager_records_lag_max",
                        "digitflow_prediction_drift", "digitflow_predictions_digit_total", "digitflow_dead_letters_alarm")
                .allSatisfy(metric -> assertThat(prometheus.body()).containsPattern("(?m)^" + metric + "[{ ]"));
    }

    @Test
    void liveAccuracyEqualsTheAccuracyOfTheSameLabelledRecords() throws Exception {
        MnistSplit test = TestMnist.get().test();
        int labelled = 2_000;
        Map<String, Integer> labels = new HashMap<>();
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap)) {
            // Test digits from the end of the set, each with its true digit in the label header `send` sets.
            for (int n = 0; n < labelled; n++) {
                int i = test.count() - 1 - n;
                RecordHeaders headers = new RecordHeaders();
                headers.add(StreamTap.LABEL_HEADER, Integer.toString(test.label(i)).getBytes(UTF_8));
                producer.send(new ProducerRecord<>(images, null, "labelled-" + i, test.image(i), headers));
                labels.put("labelled-" + i, test.label(i));
            }
            // Labels that name no digit count for nothing.
            for (int n = 0; n < 50; n++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add(StreamTap.LABEL_HEADER, (n % 2 == 0 ? "12" : "seven").getBytes(UTF_8));
                producer.send(new ProducerRecord<>(images, null, "odd-label-" + n, test.image(n), headers));
                labels.put("odd-label-" + n, -1);
            }
            producer.flush();
        }
        List<ConsumerRecord<String, byte[]>> out = KafkaClients.readUntil(bootstrap, predictions,
                r -> labels.containsKey(r.key()), got -> got.size() >= labels.size(), Duration.ofMinutes(3));
        assertThat(out).hasSize(labels.size());
        int correct = 0;
        for (ConsumerRecord<String, byte[]> record : out) {
            int label = labels.get(record.key());
            correct += label >= 0 && PredictionJson.read(record.value()).digit() == label ? 1 : 0;
        }
        String version = models.active().orElseThrow().version();
        String prometheus = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String model = "{model=\"" + version + "\"}";
        assertThat(sample(prometheus, "digitflow_live_labeled_total" + model)).isEqualTo(labelled);
        assertThat(sample(prometheus, "digitflow_live_correct_total" + model)).isEqualTo(correct);
        assertThat(sample(prometheus, "digitflow_live_accuracy" + model))
                .as("live accuracy vs the accuracy of the same records read from the predictions topic")
                .isCloseTo(correct / (double) labelled, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(correct / (double) labelled).as("a trained model").isGreaterThan(0.9);

        // Labels that come later, on the labelled topic, keyed like the predictions they label: joined by key.
        int late = 1_000;
        Map<String, Integer> lateLabels = new HashMap<>();
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap)) {
            for (int i = 0; i < late; i++) {
                producer.send(new ProducerRecord<>(images, "late-" + i, test.image(i)));
                lateLabels.put("late-" + i, test.label(i));
            }
            producer.flush();
            List<ConsumerRecord<String, byte[]>> unlabelled = KafkaClients.readUntil(bootstrap, predictions,
                    r -> lateLabels.containsKey(r.key()), got -> got.size() >= late, Duration.ofMinutes(3));
            int lateCorrect = 0;
            for (ConsumerRecord<String, byte[]> record : unlabelled) {
                lateCorrect += PredictionJson.read(record.value()).digit() == lateLabels.get(record.key()) ? 1 : 0;
            }
            for (int i = 0; i < late; i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add(LabelJoin.LABEL_HEADER, Integer.toString(test.label(i)).getBytes(UTF_8));
                producer.send(new ProducerRecord<>(labeledTopic, null, "late-" + i, test.image(i), headers));
            }
            // And one for a key nobody predicted.
            producer.send(new ProducerRecord<>(labeledTopic, "never-predicted", "{\"label\":3}".getBytes(UTF_8)));
            producer.flush();
            String joined = org.awaitility.Awaitility.await("labels joined").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).build(),
                            HttpResponse.BodyHandlers.ofString()).body(),
                            body -> body.contains("digitflow_live_labels_unmatched_total 1.0")
                                    && body.contains("digitflow_live_labels_joined_total " + late + ".0"));
            assertThat(sample(joined, "digitflow_live_labeled_total" + model)).isEqualTo(labelled + late);
            assertThat(sample(joined, "digitflow_live_correct_total" + model)).isEqualTo(correct + lateCorrect);
        }
        // Every dashboard panel and alert rule on live accuracy and drift queries a series that exists now.
        java.util.Set<String> queried = io.digitflow.support.DeployedQueries.matching("\\b(?:digitflow_live_[a-z_]+|digitflow_prediction_drift)\\b");
        assertThat(queried).contains("digitflow_prediction_drift", "digitflow_live_accuracy")
                .allSatisfy(metric -> assertThat(prometheus).containsPattern("(?m)^" + metric + "[{ ]"));
    }

    /** The value of one Prometheus sample, {@code series} written exactly as exported. */
    private static double sample(String prometheus, String series) {
        for (String line : prometheus.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no sample " + series + " in /q/metrics");
    }

    @Test
    void everyImageGetsOnePredictionKeyedAndOrderedLikeItsInput() throws Exception {
        MnistSplit test = TestMnist.get().test();
        Map<String, Integer> labels = new HashMap<>();
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap)) {
            for (int i = 0; i < test.count(); i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("correlation-id", ("corr-" + i).getBytes(UTF_8));
                headers.add("traceparent", ("00-" + String.format("%032x", i) + "-00f067aa0ba902b7-01").getBytes(UTF_8));
                if (i % 2 == 0) { // the other half is recognised by its length alone
                    headers.add("content-type", "application/x-digit-u8".getBytes(UTF_8));
                }
                producer.send(new ProducerRecord<>(images, null, "raw-" + i, test.image(i), headers));
                labels.put("raw-" + i, test.label(i));
            }
            for (int i = 0; i < JSON_FLAT; i++) {
                producer.send(json("json-" + i, flatJson(test.image(i)), null));
                labels.put("json-" + i, test.label(i));
            }
            for (int i = 0; i < JSON_ROWS; i++) {
                producer.send(json("rows-" + i, rowsJson(test.image(i), "id-" + i), "application/json"));
                labels.put("rows-" + i, test.label(i));
            }
            for (int i = 0; i < PNG; i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("content-type", "image/png".getBytes(UTF_8));
                producer.send(new ProducerRecord<>(images, null, "png-" + i, Pictures.darkOnLight(test.image(i), 3, "png"),
                        headers));
                labels.put("png-" + i, test.label(i));
            }
            producer.flush();
        }
        int expected = labels.size();

        List<ConsumerRecord<String, byte[]>> out = KafkaClients.readUntil(bootstrap, predictions,
                r -> labels.containsKey(r.key()), got -> got.size() >= expected, Duration.ofMinutes(3));

        assertThat(out).hasSize(expected);
        Map<String, List<ConsumerRecord<String, byte[]>>> byKey = out.stream()
                .collect(Collectors.groupingBy(ConsumerRecord::key));
        assertThat(byKey).as("one prediction per input").hasSize(expected);

        int rawCorrect = 0;
        int pngCorrect = 0;
        for (ConsumerRecord<String, byte[]> record : out) {
            Schemas.assertValid(Schemas.PREDICTION, record.value());
            Prediction p = PredictionJson.read(record.value());
            float sum = 0;
            for (float v : p.probabilities()) {
                sum += v;
            }
            assertThat(sum).as("probabilities of %s", record.key()).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
            assertThat(p.probabilities()).hasSize(10);
            assertThat(p.confidence()).isEqualTo(p.probabilities()[p.digit()]);
            assertThat(p.model()).isEqualTo(models.active().orElseThrow().version());
            assertThat(header(record, "content-type")).isEqualTo("application/json");
            boolean correct = p.digit() == labels.get(record.key());
            if (record.key().startsWith("raw-")) {
                int i = Integer.parseInt(record.key().substring(4));
                assertThat(header(record, "correlation-id")).isEqualTo("corr-" + i);
                assertThat(header(record, "traceparent")).startsWith("00-" + String.format("%032x", i));
                assertThat(p.id()).isEqualTo(record.key());
                rawCorrect += correct ? 1 : 0;
            } else if (record.key().startsWith("rows-")) {
                assertThat(p.id()).isEqualTo("id-" + record.key().substring(5));
            } else if (record.key().startsWith("png-")) {
                pngCorrect += correct ? 1 : 0;
            }
        }
        double accuracy = rawCorrect / (double) test.count();
        double modelAccuracy = models.active().orElseThrow().artifact().orElseThrow().metadata().testAccuracy();
        assertThat(accuracy).as("streamed accuracy vs the model's test accuracy").isEqualTo(modelAccuracy);
        assertThat(pngCorrect).as("dark-on-light PNGs at 3x classified right").isGreaterThanOrEqualTo(PNG * 9 / 10);
        assertOrderKeptPerPartition(out);
    }

    /** Within each pair (input partition, output partition) the input offsets only go up. */
    private static void assertOrderKeptPerPartition(List<ConsumerRecord<String, byte[]>> out) {
        Map<String, Long> last = new HashMap<>();
        List<ConsumerRecord<String, byte[]>> inOutputOrder = out.stream()
                .sorted(java.util.Comparator.<ConsumerRecord<String, byte[]>>comparingInt(ConsumerRecord::partition)
                        .thenComparingLong(ConsumerRecord::offset))
                .toList();
        for (ConsumerRecord<String, byte[]> record : inOutputOrder) {
            Prediction p = PredictionJson.read(record.value());
            String pair = p.partition() + "->" + record.partition();
            Long previous = last.put(pair, p.offset());
            if (previous != null) {
                assertThat(p.offset()).as("input offsets from %s", pair).isGreaterThan(previous);
            }
        }
    }

    private ProducerRecord<String, byte[]> json(String key, String body, String contentType) {
        RecordHeaders headers = new RecordHeaders();
        if (contentType != null) {
            headers.add("content-type", contentType.getBytes(UTF_8));
        }
        return new ProducerRecord<>(images, null, key, body.getBytes(UTF_8), headers);
    }

    static String flatJson(byte[] pixels) {
        StringBuilder sb = new StringBuilder("{\"pixels\":[");
        for (int p = 0; p < pixels.length; p++) {
            sb.append(p == 0 ? "" : ",").append(pixels[p] & 0xFF);
        }
        return sb.append("]}").toString();
    }

    static String rowsJson(byte[] pixels, String id) {
        StringBuilder sb = new StringBuilder("{\"id\":\"" + id + "\",\"pixels\":[");
        for (int r = 0; r < 28; r++) {
            sb.append(r == 0 ? "[" : ",[");
            for (int c = 0; c < 28; c++) {
                sb.append(c == 0 ? "" : ",").append(pixels[r * 28 + c] & 0xFF);
            }
            sb.append(']');
        }
        return sb.append("]}").toString();
    }

    static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), UTF_8);
    }
}
