package io.digitflow.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.digitflow.Shape;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An Open Inference Protocol (v2) infer request, read and checked: one input tensor of images, as
 * {@code UINT8} (or {@code INT32}/{@code INT64}) pixel values 0–255 or as {@code FP32}/{@code FP64} values
 * 0–1 (the Keras model's {@code x / 255}), flat or nested row-major, in any shape whose elements make
 * whole 28×28 images ({@code [N,784]}, {@code [N,28,28]}, {@code [N,1,28,28]}, {@code [784]}, ...). The
 * input's name is not checked: KServe's and Triton's examples name it as they like.
 *
 * @param id       the request's id, echoed in the answer
 * @param images   the images, 784 bytes each, 0 background and 255 ink as in MNIST
 * @param outputs  the outputs asked for ({@link #PROBABILITIES}, {@link #DIGIT}); all when the request names none
 */
record InferRequest(Optional<String> id, byte[][] images, Set<String> outputs) {

    static final String PROBABILITIES = "probabilities";
    static final String DIGIT = "digit";
    static final Set<String> OUTPUTS = Set.of(PROBABILITIES, DIGIT);
    /** Dimensions of a shape at most: [N,1,28,28] and [N,28,28,1] have four. */
    private static final int MAX_DIMS = 4;

    /** A request the protocol's error body answers: {@code status} and one sentence. */
    static final class Invalid extends Exception {
        private final int status;

        Invalid(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    static InferRequest parse(JsonNode body, int maxImages) throws Invalid {
        if (body == null || !body.isObject()) {
            throw bad("the body must be a JSON object with \"inputs\"");
        }
        Optional<String> id = Optional.empty();
        JsonNode idNode = body.get("id");
        if (idNode != null && !idNode.isNull()) {
            if (!idNode.isTextual() || idNode.textValue().length() > 1024) {
                throw bad("\"id\" must be a string of at most 1024 characters");
            }
            id = Optional.of(idNode.textValue());
        }
        JsonNode inputs = body.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.size() != 1) {
            throw bad("\"inputs\" must be an array of exactly one tensor (the images); it has "
                    + (inputs == null || !inputs.isArray() ? "none" : inputs.size()));
        }
        byte[][] images = images(inputs.get(0), maxImages);
        return new InferRequest(id, images, outputs(body.get("outputs")));
    }

    private static byte[][] images(JsonNode input, int maxImages) throws Invalid {
        if (!input.isObject()) {
            throw bad("an input must be an object with \"name\", \"shape\", \"datatype\" and \"data\"");
        }
        String datatype = text(input, "datatype");
        boolean scaled = switch (datatype) {
            case "UINT8", "INT32", "INT64" -> false;
            case "FP32", "FP64" -> true;
            default -> throw bad("datatype " + datatype + " is not one of UINT8, INT32, INT64 (pixel values 0-255) "
                    + "or FP32, FP64 (values 0-1)");
        };
        JsonNode shapeNode = input.get("shape");
        if (shapeNode == null || !shapeNode.isArray() || shapeNode.isEmpty() || shapeNode.size() > MAX_DIMS) {
            throw bad("\"shape\" must be an array of 1 to " + MAX_DIMS + " dimensions");
        }
        long elements = 1;
        for (JsonNode dim : shapeNode) {
            if (!dim.canConvertToLong() || !dim.isIntegralNumber() || dim.longValue() <= 0) {
                throw bad("\"shape\" must hold positive integers; it is " + shapeNode);
            }
            elements = Math.multiplyExact(elements, Math.min(dim.longValue(), Integer.MAX_VALUE));
            if (elements > (long) maxImages * Shape.PIXELS) {
                throw bad("shape " + shapeNode + " holds more than " + maxImages + " images "
                        + "(digitflow.open-inference.max-request-images)");
            }
        }
        if (elements % Shape.PIXELS != 0) {
            throw bad("shape " + shapeNode + " holds " + elements + " values, not a whole number of "
                    + Shape.SIDE + "x" + Shape.SIDE + " images (" + Shape.PIXELS + " values each)");
        }
        int count = (int) (elements / Shape.PIXELS);
        // One image may come in any shape ([784], [28,28]); several need the batch dimension first.
        if (count > 1 && shapeNode.get(0).longValue() != count) {
            throw bad("shape " + shapeNode + ": its first dimension must be the number of images, "
                    + Shape.PIXELS + " values each");
        }
        JsonNode data = input.get("data");
        if (data == null || !data.isArray()) {
            throw bad("\"data\" must be an array (flat or nested row-major)");
        }
        byte[][] images = new byte[count][Shape.PIXELS];
        int[] at = {0};
        flatten(data, images, at, scaled, 0);
        if (at[0] != elements) {
            throw bad("\"data\" holds " + at[0] + " values; shape " + shapeNode + " needs " + elements);
        }
        return images;
    }

    private static void flatten(JsonNode array, byte[][] images, int[] at, boolean scaled, int depth) throws Invalid {
        if (depth >= MAX_DIMS) {
            throw bad("\"data\" is nested deeper than " + MAX_DIMS + " levels");
        }
        long capacity = (long) images.length * Shape.PIXELS;
        for (JsonNode value : array) {
            if (value.isArray()) {
                flatten(value, images, at, scaled, depth + 1);
                continue;
            }
            if (at[0] >= capacity) {
                throw bad("\"data\" holds more values than its shape says");
            }
            images[at[0] / Shape.PIXELS][at[0] % Shape.PIXELS] = pixel(value, at[0], scaled);
            at[0]++;
        }
    }

    private static byte pixel(JsonNode value, int index, boolean scaled) throws Invalid {
        if (!value.isNumber()) {
            throw bad("\"data\"[" + index + "] is not a number");
        }
        if (scaled) {
            double v = value.doubleValue();
            if (!(v >= 0 && v <= 1)) {
                throw bad("\"data\"[" + index + "] = " + value + " is outside 0-1 (FP32 images are pixel / 255)");
            }
            return (byte) Math.round(v * 255);
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0 || value.intValue() > 255) {
            throw bad("\"data\"[" + index + "] = " + value + " is not a pixel value 0-255");
        }
        return (byte) value.intValue();
    }

    private static Set<String> outputs(JsonNode outputs) throws Invalid {
        if (outputs == null || outputs.isNull()) {
            return OUTPUTS;
        }
        if (!outputs.isArray() || outputs.isEmpty() || outputs.size() > OUTPUTS.size()) {
            throw bad("\"outputs\" must be an array naming some of " + List.of(PROBABILITIES, DIGIT));
        }
        Set<String> names = new LinkedHashSet<>();
        List<String> unknown = new ArrayList<>();
        for (JsonNode output : outputs) {
            String name = output.isObject() ? output.path("name").asText("") : "";
            if (OUTPUTS.contains(name)) {
                names.add(name);
            } else {
                unknown.add(name.length() > 64 ? name.substring(0, 64) + "..." : name);
            }
        }
        if (!unknown.isEmpty()) {
            throw bad("unknown output " + unknown + "; this model has " + List.of(PROBABILITIES, DIGIT));
        }
        return names;
    }

    private static String text(JsonNode node, String field) throws Invalid {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw bad("the input has no \"" + field + "\"");
        }
        return value.textValue();
    }

    private static Invalid bad(String message) {
        return new Invalid(400, message);
    }
}
