package io.digitflow.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.digitflow.config.DigitflowConfig;
import io.digitflow.kafka.Replica;
import io.digitflow.registry.ServingModel;
import io.digitflow.stream.StreamTap;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Identifier;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The console's HTTP face on the service's port: the page itself ({@code META-INF/resources}), a
 * server-sent event stream ({@code /console/stream}) pushed once a second to every open page,
 * {@code /console/state} (the same as one JSON document), {@code /console/try} and
 * {@code /console/control}.
 *
 * <p>Cost: one tick a second builds one message for all pages; a page whose connection cannot keep up
 * (its write queue is full) misses ticks rather than growing a buffer; at most
 * {@code digitflow.console.max-clients} pages at once.
 */
@ApplicationScoped
public class Console {

    static final String STREAM = "/console/stream";
    static final String STATE = "/console/state";
    static final String TRY = "/console/try";
    static final String CONTROL = "/console/control";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DigitflowConfig config;
    private final StreamTap tap;
    private final ServingModel models;
    private final ConsoleStats stats;
    private final ModelCatalog catalog;
    private final TryIt tryIt;
    private final OperatorActions operator;
    private final Map<String, Object> kafka;
    /** Only {@code serve} has the stream the console shows; other commands have no HTTP server. */
    private final boolean serving;
    private final Set<HttpServerResponse> pages = new CopyOnWriteArraySet<>();
    private EventsTail events;
    private long timer = -1;
    private Vertx vertx;
    private volatile ObjectNode latest;
    private long lastSampled;
    private long lastEvents;
    private long lastDeadLetterAt;

    public Console(DigitflowConfig config, StreamTap tap, ServingModel models, MeterRegistry registry,
                   TryIt tryIt, OperatorActions operator,
                   @Identifier("default-kafka-broker") Map<String, Object> kafka,
                   @ConfigProperty(name = "app.serve", defaultValue = "false") boolean serving) {
        this.serving = serving;
        this.config = config;
        this.tap = tap;
        this.models = models;
        this.stats = new ConsoleStats(registry);
        this.catalog = new ModelCatalog(config.model().dir().orElseThrow());
        this.tryIt = tryIt;
        this.operator = operator;
        this.kafka = kafka;
    }

    void routes(@Observes Router router, Vertx vertx) {
        if (!serving || !config.console().enabled()) {
            return;
        }
        this.vertx = vertx;
        router.get(STATE).handler(this::state);
        router.get(STREAM).handler(this::stream);
        router.post(TRY).handler(BodyHandler.create().setBodyLimit(config.input().maxRecordBytes()))
                .handler(tryIt::handle);
        router.post(CONTROL).handler(BodyHandler.create().setBodyLimit(4096)).handler(operator::handle);
    }

    /** Starts the tick and the events reader on the first page that connects, not before. */
    private synchronized void startTicking() {
        if (timer >= 0) {
            return;
        }
        events = new EventsTail(kafka, config.topics().events());
        events.start();
        tick();
        timer = vertx.setPeriodic(1000, id -> vertx.executeBlocking(() -> {
            tick();
            return null;
        }, false));
    }

    private void state(RoutingContext context) {
        startTicking();
        ObjectNode state = full();
        context.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-store")
                .end(state.toString());
    }

    private void stream(RoutingContext context) {
        HttpServerResponse response = context.response();
        if (pages.size() >= config.console().maxClients()) {
            response.setStatusCode(503).putHeader("retry-after", "10")
                    .end("too many console pages open (digitflow.console.max-clients="
                            + config.console().maxClients() + ")");
            return;
        }
        startTicking();
        response.setChunked(true).putHeader("content-type", "text/event-stream")
                .putHeader("cache-control", "no-store").putHeader("x-accel-buffering", "no");
        pages.add(response);
        tap.viewed(true);
        response.closeHandler(v -> {
            pages.remove(response);
            tap.viewed(!pages.isEmpty());
        });
        response.write(event("state", full()));
    }

    /** One second: new counters, new samples, new events; one message for every page. */
    private synchronized void tick() {
        ObjectNode message = JSON.createObjectNode();
        message.set("stats", JSON.valueToTree(stats.tick(System.currentTimeMillis())));
        StreamTap.Snapshot snapshot = tap.snapshot();
        long newSamples = Math.min(snapshot.sampled() - lastSampled, snapshot.predictions().size());
        lastSampled = snapshot.sampled();
        List<StreamTap.Sample> fresh = snapshot.predictions()
                .subList((int) (snapshot.predictions().size() - newSamples), snapshot.predictions().size());
        message.set("predictions", samples(fresh));
        ArrayNode letters = JSON.createArrayNode();
        for (StreamTap.DeadLetter letter : snapshot.deadLetters()) {
            if (letter.timestamp() > lastDeadLetterAt) {
                letters.add(JSON.valueToTree(letter));
            }
        }
        snapshot.deadLetters().stream().mapToLong(StreamTap.DeadLetter::timestamp).max()
                .ifPresent(at -> lastDeadLetterAt = Math.max(lastDeadLetterAt, at));
        message.set("deadLetters", letters);
        message.set("confusion", JSON.valueToTree(snapshot.confusion()));
        EventsTail.Kept kept = events.kept();
        int freshEvents = (int) Math.min(kept.received() - lastEvents, kept.events().size());
        lastEvents = kept.received();
        ArrayNode newEvents = JSON.createArrayNode();
        kept.events().subList(kept.events().size() - freshEvents, kept.events().size()).forEach(newEvents::add);
        message.set("events", newEvents);
        message.put("model", models.active().map(ServingModel.Active::version).orElse(null));
        latest = message;
        String text = event("tick", message);
        for (HttpServerResponse page : pages) {
            // A page that cannot keep up misses ticks instead of growing a buffer here.
            if (!page.writeQueueFull()) {
                page.write(text);
            }
        }
    }

    /** Everything a page shows when it opens. */
    private ObjectNode full() {
        ObjectNode state = JSON.createObjectNode();
        state.put("replica", Replica.ID);
        state.put("model", models.active().map(ServingModel.Active::version).orElse(null));
        state.put("operator", operator.enabled());
        state.put("operatorHint", operator.enabled() ? "operator actions need the console's operator token"
                : "read-only: set digitflow.console.operator-token to allow operator actions");
        state.set("history", JSON.valueToTree(stats.history()));
        StreamTap.Snapshot snapshot = tap.snapshot();
        state.set("predictions", samples(snapshot.predictions()));
        state.set("deadLetters", JSON.valueToTree(snapshot.deadLetters()));
        state.set("confusion", JSON.valueToTree(snapshot.confusion()));
        ArrayNode events = JSON.createArrayNode();
        if (this.events != null) {
            this.events.kept().events().forEach(events::add);
        }
        state.set("events", events);
        state.set("models", catalog.list(models.active().map(ServingModel.Active::version)));
        ObjectNode last = latest;
        if (last != null) {
            state.set("stats", last.get("stats"));
        }
        return state;
    }

    static ArrayNode samples(List<StreamTap.Sample> samples) {
        ArrayNode array = JSON.createArrayNode();
        samples.forEach(sample -> array.add(sample(sample)));
        return array;
    }

    /** A prediction for the page: the 28×28 the model saw as base64 bytes, row by row. */
    static ObjectNode sample(StreamTap.Sample sample) {
        ObjectNode node = JSON.createObjectNode();
        node.put("key", sample.key());
        node.put("digit", sample.digit());
        node.put("confidence", sample.probabilities()[sample.digit()]);
        ArrayNode probabilities = node.putArray("probabilities");
        for (float p : sample.probabilities()) {
            probabilities.add(p);
        }
        node.put("model", sample.model());
        node.put("partition", sample.partition());
        node.put("offset", sample.offset());
        node.put("latencyMs", sample.latencyMs());
        node.put("pixels", Base64.getEncoder().encodeToString(sample.pixels()));
        return node;
    }

    private static String event(String name, JsonNode data) {
        try {
            return "event: " + name + "\ndata: " + JSON.writeValueAsString(data) + "\n\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Compares without telling, through timing, how much of a secret matched. */
    static boolean sameSecret(Optional<String> expected, String given) {
        return expected.isPresent() && given != null
                && MessageDigest.isEqual(expected.get().getBytes(UTF_8), given.getBytes(UTF_8));
    }

    void stop(@Observes(notifyObserver = Reception.IF_EXISTS) ShutdownEvent event) {
        synchronized (this) {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }
        pages.forEach(page -> {
            try {
                page.end();
            } catch (IllegalStateException e) {
                // closed already
            }
        });
        if (events != null) {
            events.close();
        }
    }
}
