package io.digitflow.support;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

import java.io.IOException;

/**
 * The prediction writer the service used before its own (a Jackson generator per record, Schubfach floats), kept as
 * the reference the new one is checked against and measured with.
 */
public final class JacksonPrediction {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

    private JacksonPrediction() {
    }

    /** The prediction's JSON, written into {@code buffer} (reset first) and copied out, as the old writer did. */
    public static byte[] write(ByteArrayBuilder buffer, String id, int digit, float[] probabilities, int at, String model,
                               int partition, long offset, double latencyMs) throws IOException {
        buffer.reset();
        try (JsonGenerator json = FACTORY.createGenerator(buffer, JsonEncoding.UTF8)) {
            json.writeStartObject();
            if (id != null) {
                json.writeStringField("id", id);
            } else {
                json.writeNullField("id");
            }
            json.writeNumberField("digit", digit);
            json.writeNumberField("confidence", probabilities[at + digit]);
            json.writeArrayFieldStart("probabilities");
            for (int d = 0; d < 10; d++) {
                json.writeNumber(probabilities[at + d]);
            }
            json.writeEndArray();
            json.writeStringField("model", model);
            json.writeNumberField("partition", partition);
            json.writeNumberField("offset", offset);
            json.writeNumberField("latencyMs", Math.round(latencyMs * 1000) / 1000.0);
            json.writeEndObject();
        }
        return buffer.toByteArray();
    }
}
