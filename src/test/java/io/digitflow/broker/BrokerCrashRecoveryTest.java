package io.digitflow.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerCrashRecoveryTest {

    private static final Logger LOG = Logger.getLogger(BrokerCrashRecoveryTest.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int BEFORE_CRASH = 500;
    private static final int DURING_CRASH = 5000;

    @TempDir
    Path dataDir;

    @Test
    void everyRecordAcknowledgedBeforeASigkillIsReadAfterRestartOnTheSameFolderAndPort() throws Exception {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        int port;
        String clusterId;
        try (BrokerProcess first = BrokerProcess.start(dataDir, 0);
             var admin = TestClients.admin(first.bootstrapServers())) {
            port = first.port();
            clusterId = first.clusterId();
            TopicSetup.ensure(admin, List.of(new TopicSpec(Topics.IMAGES, 3, Map.of())), TIMEOUT);
            // Gives up on unacknowledged records soon after the crash instead of retrying for minutes.
            var producer = TestClients.producer(first.bootstrapServers(),
                    Map.of(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000));
            try {
                TestClients.sendAll(producer, records(0, BEFORE_CRASH));
                acknowledged.addAll(values(records(0, BEFORE_CRASH)));

                // More records in flight when the broker dies: only those it acknowledged must survive.
                for (var record : records(BEFORE_CRASH, DURING_CRASH)) {
                    producer.send(record, (metadata, error) -> {
                        if (error == null) {
                            acknowledged.add(record.value());
                        }
                    });
                }
                await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(1))
                        .until(() -> acknowledged.size() > BEFORE_CRASH);
                first.kill();
            } finally {
                // Fails whatever is still unacknowledged; no callback adds to `acknowledged` after this.
                producer.close(Duration.ZERO);
            }
        }
        LOG.infof("Broker killed with %d of %d records acknowledged", acknowledged.size(), BEFORE_CRASH + DURING_CRASH);

        try (BrokerProcess second = BrokerProcess.start(dataDir, port)) {
            assertThat(second.clusterId()).isEqualTo(clusterId);

            var read = TestClients.readAll(second.bootstrapServers(), Topics.IMAGES, TIMEOUT);

            assertThat(read).extracting(ConsumerRecord::value)
                    .containsAll(acknowledged)
                    // The idempotent producer never wrote a record twice, crash or not.
                    .doesNotHaveDuplicates();
        }
    }

    private static List<ProducerRecord<String, String>> records(int from, int count) {
        return IntStream.range(from, from + count)
                .mapToObj(i -> new ProducerRecord<>(Topics.IMAGES, "id-" + (i % 50), "image-" + i))
                .toList();
    }

    private static List<String> values(List<ProducerRecord<String, String>> records) {
        return records.stream().map(ProducerRecord::value).toList();
    }
}
