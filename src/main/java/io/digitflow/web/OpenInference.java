package io.digitflow.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.digitflow.Shape;
import io.digitflow.config.DigitflowConfig;
import io.digitflow.inference.Classifier;
import io.digitflow.registry.ServingModel;
import io.digitflow.stream.ImageStream;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * The Open Inference Protocol (v2, the REST dialect KServe, Triton and Seldon MLServer speak) on the
 * service's HTTP port, so their clients work unchanged:
 * <ul>
 * <li>{@code GET /v2}: server metadata; {@code GET /v2/health/live}, {@code /v2/health/ready}: 200, or 400
 * with an error body while no model is loaded (the protocol's "4xx is false");</li>
 * <li>{@code GET /v2/models/digitflow[/versions/<v>]}: the model's metadata (input {@code [-1,784]} UINT8 or
 * FP32, outputs {@code probabilities [-1,10]} FP32 and {@code digit [-1]} INT64);
 * {@code .../ready};</li>
 * <li>{@code POST /v2/models/digitflow[/versions/<v>]/infer}: the v2 JSON body ({@link InferRequest}).</li>
 * </ul>
 * Requests are classified by the serving model in micro-batches of their own ({@link InferenceBatcher}: a
 * wait of at most {@code digitflow.open-inference.max-wait}); while a canary runs, a request whose {@code id} its
 * hash picks is answered by the candidate, as a record with that key would be ({@code model_version} says
 * which). While the stream has traffic, its inference thread takes waiting requests into its engine calls that
 * have room, so that they share the stream's batches instead of costing calls of their own. When too many images wait the answer is 503
 * with {@code Retry-After}. Errors use the protocol's body, {@code {"error": "..."}}. The binary tensor
 * extension is not supported.
 */
@ApplicationScoped
public class OpenInference {

    /** The model's name in every {@code /v2/models/...} path. */
    static final String MODEL = "digitflow";
    /** Nesting and number length bounded as the protocol's shapes need; the body limit bounds the rest. */
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxNumberLength(64).build())
            .build()).build();
    private static final List<String> OUTCOMES = List.of("ok", "invalid", "not-ready", "unknown-version",
            "overloaded", "failed");

    private final DigitflowConfig config;
    private final ServingModel models;
    private final boolean serving;
    private final String serverVersion;
    private final Map<String, Timer> requests = new HashMap<>();
    private volatile InferenceBatcher batcher;
    private final ImageStream stream;

    public OpenInference(DigitflowConfig config, ServingModel models, MeterRegistry registry, ImageStream stream,
                         @ConfigProperty(name = "app.serve", defaultValue = "false") boolean serving,
                         @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this.config = config;
        this.models = models;
        this.stream = stream;
        this.serving = serving;
        this.serverVersion = version;
        for (String outcome : OUTCOMES) {
            requests.put(outcome, Timer.builder("digitflow.v2.infer").tag("outcome", outcome)
                    .description("Open Inference Protocol infer requests, from body read to answer").register(registry));
        }
    }

    void routes(@Observes Router router, Vertx vertx) {
        if (!serving || !config.openInference().enabled()) {
            return;
        }
        DigitflowConfig.OpenInference settings = config.openInference();
        batcher = new InferenceBatcher(() -> models.active().map(ServingModel.Active::prototype),
                () -> models.experiment().filter(e -> e.kind() == ServingModel.Experiment.Kind.CANARY)
                        .map(e -> new InferenceBatcher.Canary(e.candidate().prototype(), e.percent())),
                config.batch().maxSize(), settings.maxWait(), settings.maxQueuedImages());
        // Under load, requests ride along in the stream's engine calls that have room.
        stream.share(batcher);
        router.get("/v2").handler(this::server);
        router.get("/v2/health/live").handler(context -> json(context, 200, JSON.createObjectNode()));
        router.get("/v2/health/ready").handler(this::ready);
        router.get("/v2/models/:model").handler(this::metadata);
        router.get("/v2/models/:model/versions/:version").handler(this::metadata);
        router.get("/v2/models/:model/ready").handler(this::ready);
        router.get("/v2/models/:model/versions/:version/ready").handler(this::ready);
        BodyHandler body = BodyHandler.create().setBodyLimit(settings.maxRequestBytes())
                .setHandleFileUploads(false);
        router.post("/v2/models/:model/infer").handler(body).blockingHandler(this::infer, false);
        router.post("/v2/models/:model/versions/:version/infer").handler(body).blockingHandler(this::infer, false);
    }

    private void server(RoutingContext context) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", MODEL);
        node.put("version", serverVersion);
        node.putArray("extensions");
        json(context, 200, node);
    }

    private void ready(RoutingContext context) {
        if (!knownModel(context)) {
            return;
        }
        if (models.active().isEmpty()) {
            error(context, 400, "no model is loaded yet");
            return;
        }
        json(context, 200, JSON.createObjectNode());
    }

    private void metadata(RoutingContext context) {
        if (!knownModel(context)) {
            return;
        }
        Optional<ServingModel.Active> active = models.active();
        if (active.isEmpty()) {
            error(context, 400, "no model is loaded yet");
            return;
        }
        ObjectNode node = JSON.createObjectNode();
        node.put("name", MODEL);
        node.putArray("versions").add(active.get().version());
        node.put("platform", "digitflow_" + active.get().prototype().engine().replace(' ', '_'));
        ArrayNode inputs = node.putArray("inputs");
        ObjectNode input = inputs.addObject();
        input.put("name", "images");
        input.put("datatype", "UINT8");
        input.putArray("shape").add(-1).add(Shape.PIXELS);
        ObjectNode parameters = input.putObject("parameters");
        parameters.put("accepts", "UINT8, INT32, INT64 (pixels 0-255) or FP32, FP64 (pixel / 255); "
                + "any shape of whole " + Shape.SIDE + "x" + Shape.SIDE + " images");
        ArrayNode outputs = node.putArray("outputs");
        ObjectNode probabilities = outputs.addObject();
        probabilities.put("name", InferRequest.PROBABILITIES);
        probabilities.put("datatype", "FP32");
        probabilities.putArray("shape").add(-1).add(Shape.CLASSES);
        ObjectNode digit = outputs.addObject();
        digit.put("name", InferRequest.DIGIT);
        digit.put("datatype", "INT64");
        digit.putArray("shape").add(-1);
        json(context, 200, node);
    }

    private void infer(RoutingContext context) {
        if (!knownModel(context)) {
            return;
        }
        long start = System.nanoTime();
        InferRequest request;
        try {
            JsonNode body;
            try {
                body = JSON.readTree(context.body().buffer() == null ? new byte[0] : context.body().buffer().getBytes());
            } catch (JsonProcessingException e) {
                throw new InferRequest.Invalid(400, "the body is not JSON: " + e.getOriginalMessage());
            } catch (java.io.IOException e) {
                throw new InferRequest.Invalid(400, "the body could not be read: " + e.getMessage());
            }
            request = InferRequest.parse(body, config.openInference().maxRequestImages());
        } catch (InferRequest.Invalid e) {
            count(start, "invalid");
            error(context, e.status(), e.getMessage());
            return;
        }
        Optional<ServingModel.Active> active = models.active();
        if (active.isEmpty()) {
            count(start, "not-ready");
            context.response().putHeader("retry-after", "5");
            error(context, 503, "no model is loaded yet");
            return;
        }
        String version = context.pathParam("version");
        if (version != null && !version.equals(active.get().version())) {
            count(start, "unknown-version");
            error(context, 404, "version " + version + " is not serving; " + active.get().version() + " is");
            return;
        }
        Context vertx = context.vertx().getOrCreateContext();
        batcher.submit(request.images(), request.id().orElse(null)).ifPresentOrElse(result -> result.whenComplete((answer, failure) ->
                vertx.runOnContext(v -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure;
                        boolean notReady = cause instanceof InferenceBatcher.NotReadyException;
                        count(start, notReady ? "not-ready" : "failed");
                        error(context, 503, cause.getMessage());
                    } else {
                        count(start, "ok");
                        json(context, 200, answer(request, answer));
                    }
                })), () -> {
            count(start, "overloaded");
            context.response().putHeader("retry-after", "1");
            error(context, 503, "too many images are waiting for the engine "
                    + "(digitflow.open-inference.max-queued-images=" + config.openInference().maxQueuedImages()
                    + "); retry shortly");
        });
    }

    /** The v2 answer: the outputs asked for, in the order of the images. */
    static ObjectNode answer(InferRequest request, InferenceBatcher.Result result) {
        int count = request.images().length;
        float[] probabilities = result.probabilities();
        ObjectNode node = JSON.createObjectNode();
        node.put("model_name", MODEL);
        node.put("model_version", result.version());
        request.id().ifPresent(id -> node.put("id", id));
        ArrayNode outputs = node.putArray("outputs");
        if (request.outputs().contains(InferRequest.PROBABILITIES)) {
            ObjectNode output = outputs.addObject();
            output.put("name", InferRequest.PROBABILITIES);
            output.put("datatype", "FP32");
            output.putArray("shape").add(count).add(Shape.CLASSES);
            ArrayNode data = output.putArray("data");
            for (float p : probabilities) {
                data.add(p);
            }
        }
        if (request.outputs().contains(InferRequest.DIGIT)) {
            ObjectNode output = outputs.addObject();
            output.put("name", InferRequest.DIGIT);
            output.put("datatype", "INT64");
            output.putArray("shape").add(count);
            ArrayNode data = output.putArray("data");
            for (int i = 0; i < count; i++) {
                data.add(Classifier.argmax(probabilities, i));
            }
        }
        return node;
    }

    private boolean knownModel(RoutingContext context) {
        String model = context.pathParam("model");
        if (model != null && !model.equals(MODEL)) {
            error(context, 404, "no model named '" + (model.length() > 64 ? model.substring(0, 64) + "..." : model)
                    + "'; this server serves " + List.of(MODEL));
            return false;
        }
        return true;
    }

    private void count(long start, String outcome) {
        requests.get(outcome).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    private static void error(RoutingContext context, int status, String message) {
        ObjectNode node = JSON.createObjectNode();
        node.put("error", message);
        json(context, status, node);
    }

    private static void json(RoutingContext context, int status, ObjectNode node) {
        if (context.response().ended() || context.response().closed()) {
            return;
        }
        context.response().setStatusCode(status).putHeader("content-type", "application/json")
                .end(node.toString());
    }

    void stop(@Observes(notifyObserver = Reception.IF_EXISTS) ShutdownEvent event) {
        InferenceBatcher running = batcher;
        if (running != null) {
            stream.share(null);
            running.close();
        }
    }
}
