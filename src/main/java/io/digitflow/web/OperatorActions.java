package io.digitflow.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.digitflow.config.DigitflowConfig;
import io.digitflow.control.CommandSignature;
import io.digitflow.control.ControlRequests;
import io.smallrye.common.annotation.Identifier;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Retrain, promote and roll back from the page: the same control-topic record the CLI sends
 * ({@link ControlRequests}), signed here when {@code digitflow.control.hmac-secret} is set, so the secret
 * never reaches the page. Refused (403) unless {@code digitflow.console.operator-token} is set and the
 * request carries it as {@code Authorization: Bearer <token>}. The answer is the request id; its events
 * reach the page through the console's stream.
 */
@ApplicationScoped
public class OperatorActions {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> COMMANDS = Set.of("retrain", "promote", "rollback", "status", "cancel");
    private static final Set<String> RETRAIN_FIELDS = Set.of("epochs", "batchSize", "learningRate", "seed");

    private final Optional<String> token;
    private final String topic;
    private final Optional<CommandSignature> signature;
    private final Vertx vertx;
    private final KafkaProducer<String, byte[]> producer;

    public OperatorActions(DigitflowConfig config, Vertx vertx,
                           @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.token = config.console().operatorToken().filter(t -> !t.isBlank());
        this.topic = config.topics().control();
        this.signature = CommandSignature.of(config.control());
        this.vertx = vertx;
        this.producer = ConsoleProducers.create(kafka, "digitflow-console-control");
    }

    /** True when an operator token is configured: the page offers the actions. */
    boolean enabled() {
        return token.isPresent();
    }

    void handle(RoutingContext context) {
        if (token.isEmpty()) {
            TryIt.reply(context, 403, TryIt.error(
                    "the console is read-only: set digitflow.console.operator-token to allow operator actions"));
            return;
        }
        String authorization = context.request().getHeader("authorization");
        String given = authorization != null && authorization.startsWith("Bearer ")
                ? authorization.substring("Bearer ".length()) : null;
        if (!Console.sameSecret(token, given)) {
            TryIt.reply(context, 403, TryIt.error("operator token missing or wrong"));
            return;
        }
        ObjectNode command;
        try {
            command = command(context.body().asString());
        } catch (IllegalArgumentException e) {
            TryIt.reply(context, 400, TryIt.error(e.getMessage()));
            return;
        }
        String id = "console-" + UUID.randomUUID();
        ProducerRecord<String, byte[]> record = ControlRequests.record(topic, id, command, signature);
        vertx.executeBlocking(() -> producer.send(record).get(10, TimeUnit.SECONDS), false)
                .onSuccess(m -> TryIt.reply(context, 202, JSON.createObjectNode().put("requestId", id)
                        .put("command", command.get("command").asText()).put("signed", signature.isPresent())))
                .onFailure(e -> TryIt.reply(context, 503, TryIt.error("could not send to " + topic + ": "
                        + e.getMessage())));
    }

    /** Only the fields a command takes, with the types it takes; the service validates the values. */
    static ObjectNode command(String body) {
        JsonNode given;
        try {
            given = JSON.readTree(body == null ? "" : body);
        } catch (IOException e) {
            throw new IllegalArgumentException("the body must be a JSON object like {\"command\": \"rollback\"}");
        }
        if (given == null || !given.isObject() || !COMMANDS.contains(given.path("command").asText())) {
            throw new IllegalArgumentException("command must be one of " + COMMANDS);
        }
        ObjectNode command = JSON.createObjectNode().put("command", given.get("command").asText());
        if (given.hasNonNull("version")) {
            if (!given.get("version").isTextual() || given.get("version").asText().length() > 64) {
                throw new IllegalArgumentException("version must be a model version");
            }
            command.put("version", given.get("version").asText());
        }
        for (String field : RETRAIN_FIELDS) {
            if (given.hasNonNull(field)) {
                if (!given.get(field).isNumber()) {
                    throw new IllegalArgumentException(field + " must be a number");
                }
                command.set(field, given.get(field));
            }
        }
        return command;
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(2));
    }
}
