package io.digitflow.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.digitflow.Shape;
import io.digitflow.data.MnistSplit;
import io.digitflow.inference.Classifier;
import io.digitflow.registry.ServingModel;
import io.digitflow.stream.ServingTestResource;
import io.digitflow.support.TestMnist;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Open Inference Protocol (v2) on the running service, with the trained model: requests written as
 * KServe's and Triton's documentation write them, for real MNIST test digits, and the protocol's errors.
 */
@QuarkusTest
@QuarkusTestResource(value = ServingTestResource.class, restrictToAnnotatedClass = true,
        initArgs = {@ResourceArg(name = "prefix", value = "v2"),
                @ResourceArg(name = "digitflow.open-inference.max-request-images", value = "64"),
                @ResourceArg(name = "digitflow.open-inference.max-queued-images", value = "32"),
                @ResourceArg(name = "digitflow.open-inference.max-request-bytes", value = "262144")})
class OpenInferenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/")
    URI root;
    @Inject
    ServingModel models;

    @Test
    void aKServeStyleRequestForAnMnistDigitIsAnsweredByTheServingModel() throws Exception {
        MnistSplit test = TestMnist.get().test();
        int digits = 16;
        ArrayNode data = JSON.createArrayNode();
        for (int i = 0; i < digits; i++) {
            for (byte pixel : test.image(i)) {
                data.add((pixel & 0xFF) / 255f); // x / 255, as the Keras model was fed
            }
        }
        // As in KServe's v2 examples: one FP32 input named input-0, shape [N, 784].
        String body = "{\"id\":\"kserve-1\",\"inputs\":[{\"name\":\"input-0\",\"shape\":[" + digits + ",784],"
                + "\"datatype\":\"FP32\",\"data\":" + data + "}]}";
        JsonNode answer = ok(post("v2/models/digitflow/infer", body));

        ServingModel.Active active = models.active().orElseThrow();
        assertThat(answer.get("model_name").asText()).isEqualTo("digitflow");
        assertThat(answer.get("model_version").asText()).isEqualTo(active.version());
        assertThat(answer.get("id").asText()).isEqualTo("kserve-1");
        JsonNode probabilities = output(answer, "probabilities");
        assertThat(probabilities.get("datatype").asText()).isEqualTo("FP32");
        assertThat(probabilities.get("shape").toString()).isEqualTo("[" + digits + ",10]");
        JsonNode digit = output(answer, "digit");
        assertThat(digit.get("shape").toString()).isEqualTo("[" + digits + "]");

        // The same answers as the serving model's engine gives the raw bytes the stream would read.
        byte[][] images = new byte[digits][];
        for (int i = 0; i < digits; i++) {
            images[i] = test.image(i);
        }
        float[] expected = new float[digits * Classifier.CLASSES];
        try (Classifier classifier = active.prototype().copy()) {
            classifier.classify(images, digits, expected);
        }
        int right = 0;
        for (int i = 0; i < digits; i++) {
            assertThat(digit.get("data").get(i).asInt()).isEqualTo(Classifier.argmax(expected, i));
            for (int d = 0; d < Classifier.CLASSES; d++) {
                assertThat(probabilities.get("data").get(i * Classifier.CLASSES + d).floatValue())
                        .isEqualTo(expected[i * Classifier.CLASSES + d]);
            }
            right += digit.get("data").get(i).asInt() == test.label(i) ? 1 : 0;
        }
        assertThat(right).as("the first 16 test digits, classified right").isGreaterThanOrEqualTo(15);
    }

    @Test
    void aTritonStyleRequestOfNestedUint8ImagesAskingForOneOutput() throws Exception {
        MnistSplit test = TestMnist.get().test();
        ObjectNode request = JSON.createObjectNode();
        ObjectNode input = request.putArray("inputs").addObject();
        input.put("name", "INPUT0");
        input.putArray("shape").add(2).add(Shape.SIDE).add(Shape.SIDE);
        input.put("datatype", "UINT8");
        ArrayNode data = input.putArray("data");
        for (int i = 0; i < 2; i++) {
            ArrayNode rows = data.addArray();
            byte[] image = test.image(i);
            for (int r = 0; r < Shape.SIDE; r++) {
                ArrayNode row = rows.addArray();
                for (int c = 0; c < Shape.SIDE; c++) {
                    row.add(image[r * Shape.SIDE + c] & 0xFF);
                }
            }
        }
        request.putArray("outputs").addObject().put("name", "digit");
        JsonNode answer = ok(post("v2/models/digitflow/versions/" + models.active().orElseThrow().version() + "/infer",
                request.toString()));
        assertThat(answer.get("outputs")).hasSize(1);
        assertThat(output(answer, "digit").get("data").toString())
                .isEqualTo("[" + test.label(0) + "," + test.label(1) + "]");
    }

    @Test
    void metadataAndHealthAsTheProtocolDefinesThem() throws Exception {
        JsonNode metadata = ok(get("v2/models/digitflow"));
        assertThat(metadata.get("name").asText()).isEqualTo("digitflow");
        assertThat(metadata.get("versions").get(0).asText()).isEqualTo(models.active().orElseThrow().version());
        assertThat(metadata.get("inputs").get(0).get("shape").toString()).isEqualTo("[-1,784]");
        assertThat(metadata.get("outputs").get(0).get("shape").toString()).isEqualTo("[-1,10]");
        assertThat(get("v2/health/live").statusCode()).isEqualTo(200);
        assertThat(get("v2/health/ready").statusCode()).isEqualTo(200);
        assertThat(get("v2/models/digitflow/ready").statusCode()).isEqualTo(200);
        assertThat(ok(get("v2")).get("name").asText()).isEqualTo("digitflow");
    }

    @Test
    void mistakesGetTheProtocolsErrorBody() throws Exception {
        assertError(post("v2/models/digitflow/infer", "{not json"), 400, "not JSON");
        assertError(post("v2/models/digitflow/infer",
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,10],\"datatype\":\"UINT8\",\"data\":[1,2,3,4,5,6,7,8,9,10]}]}"),
                400, "not a whole number");
        assertError(post("v2/models/digitflow/infer",
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[65,784],\"datatype\":\"UINT8\",\"data\":[]}]}"),
                400, "more than 64 images");
        assertError(post("v2/models/resnet/infer", "{}"), 404, "no model named 'resnet'");
        assertError(get("v2/models/resnet"), 404, "no model named 'resnet'");
        assertError(post("v2/models/digitflow/versions/nope/infer",
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[784],\"datatype\":\"UINT8\",\"data\":" + zeros() + "}]}"),
                404, "version nope is not serving");
    }

    @Test
    void moreImagesThanMayWaitAreRefusedWithRetryAfterAndAnOversizedBodyWith413() throws Exception {
        HttpResponse<String> overloaded = post("v2/models/digitflow/infer",
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[33,784],\"datatype\":\"UINT8\",\"data\":"
                        + zeros(33) + "}]}");
        assertError(overloaded, 503, "max-queued-images=32");
        assertThat(overloaded.headers().firstValue("retry-after")).contains("1");
        assertThat(post("v2/models/digitflow/infer", "{" + " ".repeat(300_000) + "}").statusCode()).isEqualTo(413);
        // Still answering afterwards.
        ok(post("v2/models/digitflow/infer",
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[32,784],\"datatype\":\"UINT8\",\"data\":" + zeros(32) + "}]}"));
    }

    private static String zeros() {
        return zeros(1);
    }

    private static String zeros(int images) {
        StringBuilder zeros = new StringBuilder("[0");
        zeros.append(",0".repeat(images * Shape.PIXELS - 1));
        return zeros.append(']').toString();
    }

    private static JsonNode output(JsonNode answer, String name) {
        for (JsonNode output : answer.get("outputs")) {
            if (output.get("name").asText().equals(name)) {
                return output;
            }
        }
        throw new AssertionError("no output " + name + " in " + answer);
    }

    private static JsonNode ok(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).contains("application/json");
        return JSON.readTree(response.body());
    }

    private static void assertError(HttpResponse<String> response, int status, String message) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(JSON.readTree(response.body()).get("error").asText()).contains(message);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(root.resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(root.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
