package io.digitflow.stream;

import io.digitflow.data.MnistSplit;
import io.digitflow.support.KafkaClients;
import io.digitflow.support.TestMnist;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
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
import java.util.List;
import java.util.Random;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario "poison flood": 10,000 garbage records of every kind, then good ones. All garbage lands in the
 * DLQ, every good record is predicted (and right, as often as the model is), and the dead-letter alarm
 * is up on the metric and the wellness check.
 */
@QuarkusTest
@QuarkusTestResource(value = ServingTestResource.class, restrictToAnnotatedClass = true,
        initArgs = {@ResourceArg(name = "prefix", value = "flood"),
                // A window longer than the test, so what the alarm shows at the end does not depend on timing.
                @ResourceArg(name = "digitflow.dead-letter-alarm.window", value = "10m")})
class PoisonFloodTest {

    private static final int GARBAGE = 10_000;
    private static final int GOOD = 2_000;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "digitflow.topics.images")
    String images;
    @ConfigProperty(name = "digitflow.topics.predictions")
    String predictions;
    @ConfigProperty(name = "digitflow.topics.dead-letters")
    String deadLetters;
    @TestHTTPResource("/q/health/well")
    URI wellness;
    @TestHTTPResource("/q/metrics")
    URI metrics;

    @Test
    void allGarbageIsDeadLetteredGoodRecordsArePredictedAndTheAlarmFires() throws Exception {
        MnistSplit test = TestMnist.get().test();
        Random random = new Random(11);
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap)) {
            for (int i = 0; i < GARBAGE; i++) {
                RecordHeaders headers = new RecordHeaders();
                String type = switch (i % 5) {
                    case 0 -> "image/png";
                    case 1 -> "application/json";
                    case 2 -> "image/jpeg";
                    case 3 -> "application/x-digit-u8";
                    default -> null; // sniffed
                };
                if (type != null) {
                    headers.add("content-type", type.getBytes(UTF_8));
                }
                producer.send(new ProducerRecord<>(images, null, "junk-" + i, garbage(random), headers));
            }
            for (int i = 0; i < GOOD; i++) {
                producer.send(new ProducerRecord<>(images, "good-" + i, test.image(i)));
            }
            producer.flush();
        }

        List<ConsumerRecord<String, byte[]>> dead = KafkaClients.readUntil(bootstrap, deadLetters,
                r -> r.key().startsWith("junk-"), got -> got.size() >= GARBAGE, Duration.ofMinutes(3));
        List<ConsumerRecord<String, byte[]>> predicted = KafkaClients.readUntil(bootstrap, predictions,
                r -> r.key().startsWith("good-"), got -> got.size() >= GOOD, Duration.ofMinutes(3));

        assertThat(dead.stream().map(ConsumerRecord::key).distinct()).hasSize(GARBAGE);
        assertThat(dead).allSatisfy(r -> assertThat(r.headers().lastHeader(DeadLetters.REASON_CODE)).isNotNull());
        assertThat(predicted.stream().map(ConsumerRecord::key).distinct()).hasSize(GOOD);
        long right = predicted.stream().filter(r -> PredictionJson.read(r.value()).digit()
                == test.labels()[Integer.parseInt(r.key().substring("good-".length()))]).count();
        assertThat(right).as("good records classified right after the flood").isGreaterThan(GOOD * 95L / 100);

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> well = http.send(HttpRequest.newBuilder(wellness).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(well.statusCode()).as(well.body()).isEqualTo(503);
        assertThat(well.body()).contains("\"dead-letter-rate\"").contains("\"ratio\": \"0.8333\"");
        String prometheus = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(prometheus).contains("digitflow_dead_letters_alarm 1.0").contains("digitflow_dead_letters_ratio 0.8333");
    }

    /** Random bytes of a random length (never 784, which would be a valid raw image), sometimes behind a signature. */
    private static byte[] garbage(Random random) {
        int length = 1 + random.nextInt(3000);
        if (length == 784) {
            length++;
        }
        byte[] value = new byte[length];
        random.nextBytes(value);
        byte[][] prefixes = {{(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}, {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF},
                "{\"pixels\":[".getBytes(UTF_8), {}};
        byte[] prefix = prefixes[random.nextInt(prefixes.length)];
        System.arraycopy(prefix, 0, value, 0, Math.min(prefix.length, value.length));
        return value;
    }
}
