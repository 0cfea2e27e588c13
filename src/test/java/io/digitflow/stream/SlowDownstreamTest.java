package io.digitflow.stream;

import io.digitflow.data.MnistSplit;
import io.digitflow.support.KafkaClients;
import io.digitflow.support.TestMnist;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario "slow downstream": the broker throttles the service's output producer to a trickle (a
 * client quota of 10 KB/s). The service must not read ahead of what it can write: consumption stays
 * within a bounded number of poll batches of what was written. With the quota lifted it finishes every
 * input.
 */
@QuarkusTest
@QuarkusTestResource(value = ServingTestResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "prefix", value = "slow"))
class SlowDownstreamTest {

    private static final int IDS = 30_000;
    private static final int MAX_POLL_RECORDS = 2_000;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "digitflow.topics.images")
    String images;
    @ConfigProperty(name = "digitflow.topics.predictions")
    String predictions;
    @ConfigProperty(name = "digitflow.batch.max-in-flight")
    int maxInFlight;
    @Inject
    MeterRegistry registry;

    @Test
    void consumptionWaitsForAThrottledOutputAndNothingIsLostOnceItRecovers() throws Exception {
        MnistSplit test = TestMnist.get().test();
        ClientQuotaEntity outputs = new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, "digitflow-outputs"));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            double consumedBefore = consumed();
            try {
                quota(admin, outputs, 10_000.0);
                try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap)) {
                    for (int i = 0; i < IDS; i++) {
                        producer.send(new ProducerRecord<>(images, "id-" + i, test.image(i % test.count())));
                    }
                    producer.flush();
                }
                // The batches awaiting the broker, the one being processed and SmallRye's poll queue.
                long bound = (long) (maxInFlight + 4) * MAX_POLL_RECORDS;
                await("some records consumed").atMost(Duration.ofMinutes(1)).until(() -> consumed() > consumedBefore);
                // Held for 20 s: never more than the bound read ahead while the output crawls.
                await("consumption bounded while throttled").during(Duration.ofSeconds(20))
                        .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                        .until(() -> consumed() - consumedBefore < bound);
                assertThat(consumed() - consumedBefore).isLessThan(IDS);
            } finally {
                quota(admin, outputs, null); // the broker is shared by every test of this JVM
            }
        }
        List<ConsumerRecord<String, byte[]>> predicted = KafkaClients.readUntil(bootstrap, predictions,
                r -> r.key().startsWith("id-"), got -> got.stream().map(ConsumerRecord::key).distinct().count() >= IDS,
                Duration.ofMinutes(4));
        assertThat(predicted.stream().map(ConsumerRecord::key).distinct()).hasSize(IDS);
    }

    private double consumed() {
        return registry.get("digitflow.records.in").counter().count();
    }

    /** Sets (or, with null, removes) the producer byte-rate quota of {@code client}. */
    private static void quota(Admin admin, ClientQuotaEntity client, Double bytesPerSecond) throws Exception {
        admin.alterClientQuotas(List.of(new ClientQuotaAlteration(client,
                List.of(new ClientQuotaAlteration.Op("producer_byte_rate", bytesPerSecond))))).all().get();
    }
}
