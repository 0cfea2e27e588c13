package io.digitflow.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * What {@code watch} needs of a prediction record: its digit and the service's {@code latencyMs}, read
 * with Jackson's streaming parser at the top level of the object only (a key or id holding the same text
 * cannot fool it), stopping once both are found.
 *
 * @param digit     0-9, or -1 when the record is not a prediction
 * @param latencyMs the service's latency, NaN when absent
 */
record PredictionReading(int digit, double latencyMs) {

    private static final JsonFactory JSON = new JsonFactory();
    static final PredictionReading NONE = new PredictionReading(-1, Double.NaN);

    static PredictionReading of(byte[] json) {
        if (json == null) {
            return NONE;
        }
        int digit = -1;
        double latency = Double.NaN;
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return NONE;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("digit".equals(name) && value == JsonToken.VALUE_NUMBER_INT) {
                    int d = parser.getIntValue();
                    digit = d >= 0 && d <= 9 ? d : -1;
                } else if ("latencyMs".equals(name) && value != null && value.isNumeric()) {
                    latency = parser.getDoubleValue();
                } else {
                    parser.skipChildren();
                }
                if (digit >= 0 && !Double.isNaN(latency)) {
                    break;
                }
            }
        } catch (IOException e) {
            // Not JSON, or cut off: whatever was read before stands.
        }
        return new PredictionReading(digit, latency);
    }
}
