package io.digitflow.stream;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Arrays;

import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * Writes and reads the prediction JSON. Writing puts the bytes straight into one reused buffer: this runs
 * once per record on the hot path, where Jackson's generator (created per record) and its float writer were
 * the record path's largest cost. Floats are written in their shortest round-trip form ({@link ShortestFloat}),
 * strings escaped as JSON requires. Not thread-safe (the buffer); one per thread.
 */
public final class PredictionJson {

    private static final ObjectMapper READER = new ObjectMapper();
    private static final byte[] ID = ascii("{\"id\":");
    private static final byte[] NULL = ascii("null");
    private static final byte[] DIGIT = ascii(",\"digit\":");
    private static final byte[] CONFIDENCE = ascii(",\"confidence\":");
    private static final byte[] PROBABILITIES = ascii(",\"probabilities\":[");
    private static final byte[] MODEL = ascii("],\"model\":");
    private static final byte[] PARTITION = ascii(",\"partition\":");
    private static final byte[] OFFSET = ascii(",\"offset\":");
    private static final byte[] LATENCY = ascii(",\"latencyMs\":");

    /** Grows only for a long id (at most {@link io.digitflow.input.DecodedImage#MAX_ID_CHARS} characters). */
    private byte[] buffer = new byte[512];
    private int at;

    public byte[] write(String id, int digit, float[] probabilities, int offsetInArray, String model,
                        int partition, long offset, double latencyMs) {
        at = 0;
        put(ID);
        if (id != null) {
            string(id);
        } else {
            put(NULL);
        }
        put(DIGIT);
        integer(digit);
        put(CONFIDENCE);
        room(ShortestFloat.MAX_BYTES * 11 + 2);
        at = ShortestFloat.write(probabilities[offsetInArray + digit], buffer, at);
        put(PROBABILITIES);
        for (int d = 0; d < 10; d++) {
            if (d > 0) {
                buffer[at++] = ',';
            }
            at = ShortestFloat.write(probabilities[offsetInArray + d], buffer, at);
        }
        put(MODEL);
        string(model);
        put(PARTITION);
        integer(partition);
        put(OFFSET);
        integer(offset);
        put(LATENCY);
        latency(latencyMs);
        room(1);
        buffer[at++] = '}';
        return Arrays.copyOf(buffer, at);
    }

    /** Milliseconds to three decimals, written as Jackson writes a double (whole numbers with ".0"). */
    private void latency(double latencyMs) {
        double rounded = Math.round(latencyMs * 1000) / 1000.0;
        if (rounded == Math.rint(rounded) && Math.abs(rounded) < 1e15) {
            integer((long) rounded);
            room(2);
            buffer[at++] = '.';
            buffer[at++] = '0';
        } else {
            put(ascii(Double.toString(rounded)));
        }
    }

    private void integer(long value) {
        room(20);
        if (value < 0) {
            buffer[at++] = '-';
            value = -value; // the values written (digit, partition, offset, ms) are never Long.MIN_VALUE
        }
        int start = at;
        do {
            buffer[at++] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value != 0);
        for (int i = start, j = at - 1; i < j; i++, j--) {
            byte b = buffer[i];
            buffer[i] = buffer[j];
            buffer[j] = b;
        }
    }

    /** A JSON string: plain printable ASCII copied as is, anything else escaped and UTF-8 encoded by Jackson. */
    private void string(String text) {
        int length = text.length();
        room(length + 2);
        buffer[at++] = '"';
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                at -= i; // back to just after the opening quote
                put(JsonStringEncoder.getInstance().quoteAsUTF8(text));
                room(1);
                buffer[at++] = '"';
                return;
            }
            buffer[at++] = (byte) c;
        }
        buffer[at++] = '"';
    }

    private void put(byte[] bytes) {
        room(bytes.length);
        System.arraycopy(bytes, 0, buffer, at, bytes.length);
        at += bytes.length;
    }

    private void room(int bytes) {
        if (at + bytes > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, at + bytes));
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(US_ASCII);
    }

    public static Prediction read(byte[] json) {
        try {
            return READER.readValue(json, Prediction.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a prediction: " + e.getMessage(), e);
        }
    }
}
