package io.digitflow.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.digitflow.config.DigitflowConfig;
import io.digitflow.stream.PartitionOwnership;
import io.digitflow.stream.StreamTap;
import io.smallrye.common.annotation.Identifier;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * "Try it": a picture posted by the page becomes a record of the images topic, keyed
 * {@code console-<uuid>}, on a partition this replica owns, so that this replica classifies it; the
 * answer goes back to the page once its prediction (or dead letter) is on the broker, with the
 * measured round trip. The endpoint produces to Kafka, so it is rate limited
 * ({@code digitflow.console.try-per-second}, over all callers) and its body bounded like any record.
 */
@ApplicationScoped
public class TryIt {

    /** How long the page waits for the answer. */
    static final Duration WAIT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String topic;
    private final StreamTap tap;
    private final PartitionOwnership ownership;
    private final Vertx vertx;
    private final RateLimit limit;
    private final KafkaProducer<String, byte[]> producer;

    public TryIt(DigitflowConfig config, StreamTap tap, PartitionOwnership ownership, Vertx vertx,
                 @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.topic = config.topics().images();
        this.tap = tap;
        this.ownership = ownership;
        this.vertx = vertx;
        this.limit = new RateLimit(config.console().tryPerSecond());
        this.producer = ConsoleProducers.create(kafka, "digitflow-console");
    }

    void handle(RoutingContext context) {
        byte[] picture = context.body().buffer() == null ? new byte[0] : context.body().buffer().getBytes();
        if (picture.length == 0) {
            reply(context, 400, error("send the picture (PNG or JPEG) as the request body"));
            return;
        }
        if (!limit.tryAcquire()) {
            context.response().putHeader("retry-after", "1");
            reply(context, 429, error("too many pictures; at most " + limit.perSecond()
                    + " a second (digitflow.console.try-per-second)"));
            return;
        }
        List<TopicPartition> owned = ownership.owned().stream().filter(p -> p.topic().equals(topic)).toList();
        if (owned.isEmpty()) {
            reply(context, 503, error("this replica has no partition of " + topic + " now; try again shortly"));
            return;
        }
        String key = StreamTap.CONSOLE_KEY_PREFIX + UUID.randomUUID();
        Optional<CompletableFuture<StreamTap.Answer>> waiting = tap.expect(key);
        if (waiting.isEmpty()) {
            reply(context, 503, error("too many pictures waiting for their answer; try again shortly"));
            return;
        }
        TopicPartition partition = owned.get(ThreadLocalRandom.current().nextInt(owned.size()));
        String type = context.request().getHeader("content-type");
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, partition.partition(), key, picture);
        if (type != null && (type.startsWith("image/png") || type.startsWith("image/jpeg")
                || type.startsWith("image/webp"))) {
            record.headers().add("content-type", type.split(";")[0].trim().getBytes(UTF_8));
        }
        long sent = System.nanoTime();
        vertx.executeBlocking(() -> producer.send(record).get(WAIT.toMillis(), TimeUnit.MILLISECONDS), false)
                .onFailure(e -> {
                    tap.forget(key);
                    reply(context, 503, error("could not send to " + topic + ": " + e.getMessage()));
                });
        waiting.get().orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((answer, e) -> {
            if (e != null) {
                tap.forget(key);
                reply(context, 504, error("no answer within " + WAIT.toSeconds() + " s; is the stream running?"));
                return;
            }
            double roundTripMs = (System.nanoTime() - sent) / 1e6;
            ObjectNode body;
            if (answer.prediction().isPresent()) {
                body = Console.sample(answer.prediction().get());
            } else {
                StreamTap.DeadLetter letter = answer.deadLetter().orElseThrow();
                body = JSON.createObjectNode().put("key", key).put("deadLetter", letter.reason())
                        .put("detail", letter.detail());
            }
            body.put("roundTripMs", roundTripMs).put("topic", topic).put("partition", partition.partition());
            reply(context, 200, body);
        });
    }

    static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    static void reply(RoutingContext context, int status, ObjectNode body) {
        if (!context.response().ended() && !context.response().closed()) {
            context.response().setStatusCode(status).putHeader("content-type", "application/json")
                    .putHeader("cache-control", "no-store").end(body.toString());
        }
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(2));
    }
}
