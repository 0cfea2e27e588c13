package io.digitflow.control;

import io.digitflow.kafka.ClientFactory;
import io.digitflow.config.DigitflowConfig;
import io.digitflow.model.ModelMetadata;
import io.digitflow.registry.ActivePointer;
import io.digitflow.registry.ModelFollower;
import io.digitflow.registry.ServingModel;
import io.digitflow.stream.ShadowScores;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads commands from {@code digits.control} (one partition, one consumer group: exactly one replica
 * handles each) and answers every one on {@code digits.events} under its request id: accepted, then
 * done, or rejected with the reason. Nothing a command says can stop the channel: every problem is a
 * rejection event.
 */
@ApplicationScoped
public class ControlHandler {

    /** The SmallRye channel mapped to the control topic. */
    public static final String CHANNEL = "control";

    private final DigitflowConfig config;
    private final CommandParser parser;
    private final EventPublisher events;
    private final Retrainer retrainer;
    private final Promotions promotions;
    private final ModelFollower follower;
    private final ServingModel models;
    private final ShadowScores shadow;
    private final Map<String, Object> kafka;
    /** Present when digitflow.control.hmac-secret is set: then only signed commands are run. */
    private final Optional<CommandSignature> signature;
    private RequestLog requests;

    public ControlHandler(DigitflowConfig config, EventPublisher events, Retrainer retrainer, Promotions promotions,
                          ModelFollower follower, ServingModel models, ShadowScores shadow,
                          @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.shadow = shadow;
        this.config = config;
        this.parser = new CommandParser(config.training().maxEpochs(), config.training().maxBatchSize());
        this.events = events;
        this.retrainer = retrainer;
        this.promotions = promotions;
        this.follower = follower;
        this.models = models;
        this.kafka = kafka;
        this.signature = CommandSignature.of(config.control());
        Optional<String> unsigned = unsignedWarning(config.control());
        if (unsigned.isPresent()) {
            Log.warn(unsigned.get());
        }
    }

    /** The WARN a replica logs once at start when control commands are not signed (the default). */
    static Optional<String> unsignedWarning(DigitflowConfig.Control control) {
        if (control.hmacSecret().filter(s -> !s.isBlank()).isPresent()) {
            return Optional.empty();
        }
        return Optional.of("Control commands are unsigned: " + CommandSignature.SECRET_SETTING + " is not set, so any"
                + " principal that may write " + "the control topic can retrain, promote and roll back; set it (at least "
                + CommandSignature.MIN_SECRET_LENGTH + " characters) to require signed commands");
    }

    @Incoming(CHANNEL)
    @Blocking(value = "control", ordered = true)
    public void handle(ConsumerRecord<String, byte[]> record) {
        String origin = RequestLog.name(record);
        try {
            String id = CommandParser.requestId(record.key(), record.value());
            RequestLog.Seen seen = requests().check(id != null ? id : CommandParser.UNIDENTIFIED, origin);
            if (seen == RequestLog.Seen.REDELIVERED) {
                // At-least-once: the partition moved, or a replica stopped, between the answer and the
                // commit. The answer is on the events topic already; a second one would contradict it.
                Log.infof("Control record %s (request %s) was answered already; delivered again, skipped", origin, id);
                return;
            }
            Optional<String> unauthentic = signature.flatMap(s -> s.verify(record.key(), record.value(), record.headers()));
            if (unauthentic.isPresent()) {
                // Answered under the id it claims, so whoever sent it sees why; ids are not secrets, and a
                // forged record can at most burn an id (the CLI's are random).
                events.publish(ControlEvent.of(id != null ? id : CommandParser.UNIDENTIFIED, null, ControlEvent.REJECTED,
                        unauthentic.get(), Map.of()), origin);
                return;
            }
            if (id != null && seen == RequestLog.Seen.REPLAYED) {
                events.publish(ControlEvent.of(id, null, ControlEvent.REJECTED,
                        "request id " + id + " was handled already; send a new id to run a command again", Map.of()),
                        origin);
                return;
            }
            run(parser.parse(record.key(), record.value()), origin);
        } catch (CommandRejected e) {
            events.publish(ControlEvent.of(e.requestId(), e.command(), ControlEvent.REJECTED, e.getMessage(), Map.of()),
                    origin);
        } catch (RuntimeException e) {
            // Whatever went wrong, the channel keeps going: an unhandled exception would stop it.
            Log.errorf(e, "Control record at offset %d", record.offset());
            String id = Optional.ofNullable(CommandParser.requestId(record.key(), record.value()))
                    .orElse(CommandParser.UNIDENTIFIED);
            events.publish(ControlEvent.of(id, null, ControlEvent.FAILED, "command failed: " + e.getMessage(), Map.of()),
                    origin);
        }
    }

    /**
     * Runs a command. Fail-closed: a command that changes anything runs only once its first event, which
     * names the control record and so is its entry in the replay log, is on the broker. If that event
     * cannot be written the command does not run (and the sender, who sees no event, sends it again
     * under a new id).
     */
    private void run(ControlCommand command, String origin) {
        try {
            switch (command.type()) {
                case RETRAIN -> retrain(command, origin);
                case PROMOTE -> pointed(command, promotions.promotion(command.version()), origin);
                case SHADOW, CANARY -> {
                    ActivePointer next = promotions.experiment(command);
                    if (next.shadow() != null) {
                        requireShadowTopic();
                    }
                    pointed(command, next, origin);
                }
                case ROLLBACK -> pointed(command, promotions.rollbackTo(command.version()), origin);
                case STATUS -> events.publish(command, ControlEvent.DONE, "status", status(), origin);
                case CANCEL -> {
                    String running = retrainer.runningRequest()
                            .orElseThrow(() -> new CommandRejected.Reason("no retrain is running"));
                    before(command, ControlEvent.DONE, "cancelling retrain " + running, Map.of(), origin);
                    retrainer.cancel();
                }
            }
        } catch (CommandRejected.Reason e) {
            events.publish(command, ControlEvent.REJECTED, e.getMessage(), Map.of(), origin);
        } catch (EventPublisher.NotWritten e) {
            Log.errorf("Control command %s (request %s) not run: its event could not be written to %s (%s)",
                    command.type().json(), command.requestId(), config.topics().events(), e.getMessage());
        }
    }

    /** The event written before a command runs; throws, and so stops the command, when it cannot be written. */
    private void before(ControlCommand command, String status, String message, Map<String, Object> details,
                        String origin) throws EventPublisher.NotWritten {
        events.publishOrThrow(ControlEvent.of(command.requestId(), command.type().json(), status, message, details),
                origin);
    }

    private void retrain(ControlCommand command, String origin) throws CommandRejected.Reason, EventPublisher.NotWritten {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("epochs", command.hyperparameters().epochs());
        details.put("batchSize", command.hyperparameters().batchSize());
        details.put("learningRate", command.hyperparameters().learningRate());
        details.put("seed", command.hyperparameters().seed());
        details.put("includeLabeled", command.includeLabeled());
        // Accepted goes out before the job starts, so it always precedes the job's own events.
        Optional<String> busy = retrainer.runningRequest();
        if (busy.isPresent()) {
            throw new CommandRejected.Reason("a retrain is already running (request " + busy.get()
                    + "); cancel it or wait for its outcome");
        }
        before(command, ControlEvent.ACCEPTED, "retraining", details, origin);
        Optional<String> refused = retrainer.start(command);
        if (refused.isPresent()) {
            throw new CommandRejected.Reason(refused.get());
        }
    }

    private void pointed(ControlCommand command, ActivePointer pointer, String origin) throws EventPublisher.NotWritten {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("active", pointer.version());
        String experiment = pointer.shadow() != null ? "shadow " + pointer.shadow()
                : pointer.canary() != null ? "canary " + pointer.canary().version() + " on "
                + pointer.canary().percent() + " % of keys" : "none";
        details.put("experiment", experiment);
        before(command, ControlEvent.ACCEPTED, "making " + pointer.version() + " active, experiment " + experiment,
                details, origin);
        promotions.activate(pointer);
        details.put("history", pointer.history());
        events.publish(command, ControlEvent.DONE, "active is now " + pointer.version() + ", experiment " + experiment,
                details, origin);
    }

    /**
     * A shadow writes to its own topic from every replica's inference thread: a topic that does not exist (where
     * the broker does not create topics) or takes smaller records than the outputs would stop every stream, so
     * the command is refused instead.
     */
    private void requireShadowTopic() throws CommandRejected.Reason {
        String topic = config.topics().shadowPredictions();
        try (org.apache.kafka.clients.admin.Admin admin = ClientFactory.of(kafka).admin("digitflow-shadow-topic", Map.of())) {
            admin.describeTopics(List.of(topic)).allTopicNames().get(10, java.util.concurrent.TimeUnit.SECONDS);
            io.digitflow.stream.OutputLimits.check(admin, List.of(topic), config.output().maxRequestBytes(),
                    java.time.Duration.ofSeconds(10));
        } catch (java.util.concurrent.ExecutionException e) {
            throw new CommandRejected.Reason("topic " + topic + " (digitflow.topics.shadow-predictions) cannot be used: "
                    + e.getCause().getMessage() + "; create it with as many partitions as the images topic");
        } catch (java.util.concurrent.TimeoutException e) {
            throw new CommandRejected.Reason("the broker did not describe topic " + topic + " within 10 s");
        } catch (io.digitflow.StartupFailure e) {
            throw new CommandRejected.Reason(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandRejected.Reason("interrupted");
        }
    }

    private Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("active", promotions.current().map(ActivePointer::version).orElse(null));
        status.put("serving", models.active().map(ServingModel.Active::version).orElse(null));
        status.put("training", retrainer.runningRequest().orElse(null));
        status.put("experiment", models.experiment().map(e -> (Object) Map.of("kind", e.kind().json(),
                "version", e.candidate().version(), "percent", e.percent())).orElse(null));
        status.put("shadow", shadow.scores().stream().map(ShadowScores.Score::details).toList());
        List<Map<String, Object>> versions = follower.versions().entrySet().stream()
                .map(e -> Map.<String, Object>of("version", e.getKey(), "testAccuracy", accuracy(e.getValue())))
                .toList();
        status.put("versions", versions);
        return status;
    }

    private static double accuracy(ModelMetadata metadata) {
        return metadata.testAccuracy();
    }

    private synchronized RequestLog requests() {
        if (requests == null) {
            requests = new RequestLog(ClientFactory.of(kafka).consumer("digitflow-requests", Map.of()),
                    config.topics().events(),
                    config.control().maxClockSkew());
        }
        return requests;
    }

    @PreDestroy
    synchronized void close() {
        if (requests != null) {
            requests.close();
        }
    }
}
