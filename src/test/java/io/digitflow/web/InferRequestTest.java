package io.digitflow.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.digitflow.Shape;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Reading v2 infer requests: the shapes and datatypes clients send, and a specific 400 for each mistake. */
class InferRequestTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode request(String datatype, int[] shape, ArrayNode data) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode input = body.putArray("inputs").addObject();
        input.put("name", "input-0");
        input.put("datatype", datatype);
        ArrayNode dims = input.putArray("shape");
        for (int d : shape) {
            dims.add(d);
        }
        input.set("data", data);
        return body;
    }

    private static ArrayNode flat(int images, Number value) {
        ArrayNode data = JSON.createArrayNode();
        for (int i = 0; i < images * Shape.PIXELS; i++) {
            if (value instanceof Integer whole) {
                data.add(whole);
            } else {
                data.add(value.doubleValue());
            }
        }
        return data;
    }

    @Test
    void fp32ValuesAreThePixelOver255AsTheKerasModelSeesThem() throws Exception {
        ArrayNode data = flat(1, 0);
        data.set(0, JSON.getNodeFactory().numberNode(1.0));
        data.set(1, JSON.getNodeFactory().numberNode(0.5));
        InferRequest request = InferRequest.parse(request("FP32", new int[] {1, Shape.PIXELS}, data), 8);
        assertThat(request.images()).hasNumberOfRows(1);
        assertThat(request.images()[0][0] & 0xFF).isEqualTo(255);
        assertThat(request.images()[0][1] & 0xFF).isEqualTo(128);
        assertThat(request.outputs()).isEqualTo(InferRequest.OUTPUTS);
        assertThat(request.id()).isEmpty();
    }

    @Test
    void uint8ImagesNestedRowByRowAsTritonSendsThem() throws Exception {
        ArrayNode data = JSON.createArrayNode();
        for (int image = 0; image < 2; image++) {
            ArrayNode rows = data.addArray();
            for (int r = 0; r < Shape.SIDE; r++) {
                ArrayNode row = rows.addArray();
                for (int c = 0; c < Shape.SIDE; c++) {
                    row.add(image == 1 && r == 27 && c == 27 ? 200 : 0);
                }
            }
        }
        ObjectNode body = request("UINT8", new int[] {2, Shape.SIDE, Shape.SIDE}, data);
        body.put("id", "req-7");
        body.putArray("outputs").addObject().put("name", "digit");
        InferRequest request = InferRequest.parse(body, 8);
        assertThat(request.images()).hasNumberOfRows(2);
        assertThat(request.images()[1][Shape.PIXELS - 1] & 0xFF).isEqualTo(200);
        assertThat(request.images()[0][Shape.PIXELS - 1]).isZero();
        assertThat(request.id()).contains("req-7");
        assertThat(request.outputs()).isEqualTo(Set.of("digit"));
    }

    @Test
    void aSingleImageMayComeWithoutABatchDimension() throws Exception {
        assertThat(InferRequest.parse(request("INT64", new int[] {Shape.SIDE, Shape.SIDE}, flat(1, 7)), 8).images())
                .hasNumberOfRows(1);
    }

    @Test
    void eachMistakeGetsItsOwnReason() {
        assertInvalid(JSON.createArrayNode(), "JSON object");
        assertInvalid(JSON.createObjectNode(), "exactly one tensor");
        assertInvalid(request("STRING", new int[] {1, Shape.PIXELS}, flat(1, 0)), "datatype STRING");
        assertInvalid(request("UINT8", new int[] {1, 783}, flat(1, 0)), "not a whole number");
        assertInvalid(request("UINT8", new int[] {2, Shape.PIXELS}, flat(1, 0)), "holds 784 values");
        assertInvalid(request("UINT8", new int[] {1, Shape.PIXELS}, flat(2, 0)), "more values than its shape");
        assertInvalid(request("UINT8", new int[] {1, Shape.PIXELS}, flat(1, 256)), "not a pixel value 0-255");
        assertInvalid(request("UINT8", new int[] {1, Shape.PIXELS}, flat(1, 1.5)), "not a pixel value 0-255");
        assertInvalid(request("FP32", new int[] {1, Shape.PIXELS}, flat(1, 3)), "outside 0-1");
        assertInvalid(request("FP32", new int[] {4, 392}, flat(2, 0)), "first dimension");
        assertInvalid(request("UINT8", new int[] {9, Shape.PIXELS}, flat(9, 0)), "more than 8 images");
        assertInvalid(request("UINT8", new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE}, flat(1, 0)),
                "more than 8 images");
        assertInvalid(request("UINT8", new int[] {1, -784}, flat(1, 0)), "positive integers");
        ObjectNode unknownOutput = request("UINT8", new int[] {1, Shape.PIXELS}, flat(1, 0));
        unknownOutput.putArray("outputs").addObject().put("name", "logits");
        assertInvalid(unknownOutput, "unknown output [logits]");
        ObjectNode text = request("UINT8", new int[] {1, Shape.PIXELS}, flat(1, 0));
        ((ArrayNode) text.get("inputs").get(0).get("data")).set(5, JSON.getNodeFactory().textNode("x"));
        assertInvalid(text, "\"data\"[5] is not a number");
    }

    private static void assertInvalid(JsonNode body, String reason) {
        InferRequest.Invalid invalid = catchThrowableOfType(() -> InferRequest.parse(body, 8), InferRequest.Invalid.class);
        assertThat(invalid).as("refused: %s", reason).isNotNull();
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.getMessage()).contains(reason);
    }
}
