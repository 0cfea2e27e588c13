package io.digitflow.broker;

import io.digitflow.support.KafkaClients;
import io.digitflow.kafka.TopicSetup;
import io.digitflow.kafka.TopicSpec;
import io.digitflow.kafka.Topics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerCrashRecoveryTest {

    private static final Logger LOG = Logger.getLogger(BrokerCrashRecoveryTest.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int BEFORE_CRASH = 500;
    private static final int ACKED_WHILE_STREAMING = 1000;

    @TempDir
    Path dataDir;

    @Test
    void everyRecordAcknowledgedBeforeASigkillIsReadAfterRestartOnTheSameFolderAndPort() throws Exception {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        int port;
        String clusterId;
        try (BrokerProcess first = BrokerProcess.start(dataDir, 0);
             var admin = KafkaClients.admin(first.bootstrapServers())) {
            port = first.port();
            clusterId = first.clusterId();
            TopicSetup.ensure(admin, List.of(new TopicSpec(Topics.IMAGES, 3, Map.of())), TIMEOUT);
            // Gives up on unacknowledged records soon after the crash instead of retrying for minutes.
            var producer = KafkaClients.textProducer(first.bootstrapServers(), Map.of(
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5000,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000));
            Thread sender = new Thread(() -> sendUntilClosed(producer, acknowledged), "crash-test-sender");
            try {
                KafkaClients.sendAll(producer, KafkaClients.images(0, BEFORE_CRASH));
                acknowledged.addAll(KafkaClients.values(KafkaClients.images(0, BEFORE_CRASH)));
                // Records keep flowing while the broker dies: only those it acknowledged must survive.
                sender.start();
                await().atMost(TIMEOUT).until(() -> acknowledged.size() > BEFORE_CRASH + ACKED_WHILE_STREAMING);
                first.kill();
            } finally {
                // Fails whatever is still unacknowledged; no callback adds to `acknowledged` after this.
                producer.close(Duration.ZERO);
                sender.join(TIMEOUT.toMillis());
            }
        }
        LOG.infof("Broker killed while streaming; %d records were acknowledged", acknowledged.size());

        try (BrokerProcess second = BrokerProcess.start(dataDir, port)) {
            assertThat(second.clusterId()).isEqualTo(clusterId);

            var read = KafkaClients.readAll(second.bootstrapServers(), Topics.IMAGES, TIMEOUT);

            assertThat(read).extracting(ConsumerRecord::value)
                    .containsAll(acknowledged)
                    // The idempotent producer never wrote a record twice, crash or not.
                    .doesNotHaveDuplicates();
        }
    }

    /** Sends records numbered from BEFORE_CRASH on, without end, until the producer is closed. */
    private static void sendUntilClosed(KafkaProducer<String, String> producer, Set<String> acknowledged) {
        for (int i = BEFORE_CRASH; ; i++) {
            var record = KafkaClients.image(i);
            try {
                producer.send(record, (metadata, error) -> {
                    if (error == null) {
                        acknowledged.add(record.value());
                    }
                });
            } catch (IllegalStateException | KafkaException e) {
                return; // closed, or the buffer stayed full after the broker died
            }
        }
    }
}
