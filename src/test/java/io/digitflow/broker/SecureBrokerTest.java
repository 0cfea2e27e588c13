package io.digitflow.broker;

import io.digitflow.kafka.Topics;
import io.digitflow.support.SecureKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The local broker in secure mode, with the ACLs of deploy/security/acls.txt: who may log in, and what
 * each principal may and may not do. The broker itself refuses; no digitflow code is involved.
 */
class SecureBrokerTest {

    private static SecureKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = SecureKafka.start();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theSuperUserSeesDigitflowsTopicsOverSaslSsl() throws Exception {
        try (Admin admin = kafka.admin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .contains(Topics.IMAGES, Topics.PREDICTIONS, Topics.CONTROL, Topics.EVENTS, Topics.MODELS);
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        Map<String, Object> props = kafka.client(SecureKafka.PRODUCER);
        props.put("sasl.jaas.config", BrokerSecurity.jaas(SecureKafka.PRODUCER, "not-the-password"));
        try (KafkaProducer<String, String> producer = producer(props)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.IMAGES, "k", "v")).get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void aClientWithoutSaslCannotTalkToTheBroker() {
        Map<String, Object> props = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000));
        try (KafkaProducer<String, String> producer = producer(props)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.IMAGES, "k", "v")).get(60, TimeUnit.SECONDS))
                    .as("a plaintext client gets no metadata from a SASL_SSL listener")
                    .isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }
    }

    @Test
    void theProducerMaySendImagesButNotCommands() throws Exception {
        try (KafkaProducer<String, String> producer = producer(kafka.client(SecureKafka.PRODUCER))) {
            assertThat(producer.send(new ProducerRecord<>(Topics.IMAGES, "k", "an image")).get(60, TimeUnit.SECONDS)
                    .offset()).isNotNegative();
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.CONTROL, "r-1",
                    "{\"requestId\":\"r-1\",\"command\":\"retrain\"}")).get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TopicAuthorizationException.class)
                    .hasMessageContaining(Topics.CONTROL);
        }
    }

    @Test
    void theProducerCannotReadPredictions() {
        try (KafkaConsumer<String, String> consumer = consumer(kafka.client(SecureKafka.PRODUCER))) {
            consumer.assign(List.of(new TopicPartition(Topics.PREDICTIONS, 0)));
            consumer.seekToBeginning(consumer.assignment());
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(30)))
                    .isInstanceOf(TopicAuthorizationException.class).hasMessageContaining(Topics.PREDICTIONS);
        }
    }

    @Test
    void aUserWithoutAnyAclCanNeitherControlNorRead() {
        try (KafkaProducer<String, String> producer = producer(kafka.client(SecureKafka.STRANGER))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.CONTROL, "r-2",
                    "{\"requestId\":\"r-2\",\"command\":\"rollback\"}")).get(60, TimeUnit.SECONDS))
                    .cause().isInstanceOf(TopicAuthorizationException.class);
        }
        try (KafkaConsumer<String, String> consumer = consumer(kafka.client(SecureKafka.STRANGER))) {
            consumer.assign(List.of(new TopicPartition(Topics.EVENTS, 0)));
            consumer.seekToBeginning(consumer.assignment());
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(30))).isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void theConsumerReadsPredictionsOnlyInItsOwnGroups() {
        Map<String, Object> props = kafka.client(SecureKafka.CONSUMER);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "digitflow-consumer-dashboard");
        try (KafkaConsumer<String, String> consumer = consumer(props)) {
            consumer.subscribe(List.of(Topics.PREDICTIONS));
            // Joining the group and being given partitions needs READ on both the group and the topic.
            await("partitions assigned to the consumer's group").atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(100));
                return !consumer.assignment().isEmpty();
            });
        }
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "digitflow");
        try (KafkaConsumer<String, String> consumer = consumer(props)) {
            consumer.subscribe(List.of(Topics.PREDICTIONS));
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(30)))
                    .as("the service's group is not the consumer's").isInstanceOf(GroupAuthorizationException.class);
        }
        try (KafkaProducer<String, String> producer = producer(kafka.client(SecureKafka.CONSUMER))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.IMAGES, "k", "v")).get(60, TimeUnit.SECONDS))
                    .cause().isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void theOperatorMaySendCommandsButNotImages() throws Exception {
        try (KafkaProducer<String, String> producer = producer(kafka.client(SecureKafka.OPERATOR))) {
            // Nothing consumes here; the broker only has to accept it.
            assertThat(producer.send(new ProducerRecord<>(Topics.CONTROL, "r-3",
                    "{\"requestId\":\"r-3\",\"command\":\"status\"}")).get(60, TimeUnit.SECONDS).offset()).isNotNegative();
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.IMAGES, "k", "v")).get(60, TimeUnit.SECONDS))
                    .cause().isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void theServiceMayRunTransactionsUnderItsIdsOnly() {
        Map<String, Object> props = kafka.client(SecureKafka.SERVICE);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "digitflow-replica-0");
        try (KafkaProducer<String, String> producer = producer(props)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(Topics.PREDICTIONS, "k", "a prediction"));
            // The offsets of the images group go along, as in exactly-once mode (digitflow.delivery).
            producer.sendOffsetsToTransaction(Map.of(new TopicPartition(Topics.IMAGES, 0), new OffsetAndMetadata(0)),
                    new ConsumerGroupMetadata("digitflow"));
            producer.commitTransaction();
        }
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "someone-else");
        try (KafkaProducer<String, String> producer = producer(props)) {
            assertThatThrownBy(producer::initTransactions).isInstanceOf(TransactionalIdAuthorizationException.class);
        }
        Map<String, Object> images = kafka.client(SecureKafka.PRODUCER);
        images.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "digitflow-replica-0");
        try (KafkaProducer<String, String> producer = producer(images)) {
            assertThatThrownBy(producer::initTransactions).as("only the service's principal")
                    .isInstanceOf(TransactionalIdAuthorizationException.class);
        }
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> props) {
        Map<String, Object> all = new HashMap<>(props);
        all.put(ProducerConfig.ACKS_CONFIG, "all");
        // A refused topic fails the send at once rather than after the default minute of retries.
        all.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        return new KafkaProducer<>(all, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(Map<String, Object> props) {
        Map<String, Object> all = new HashMap<>(props);
        all.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        all.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(all, new StringDeserializer(), new StringDeserializer());
    }
}
