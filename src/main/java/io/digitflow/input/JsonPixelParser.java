package io.digitflow.input;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;

/**
 * Reads {"pixels": [784 ints] or [[28 ints] x 28], "id": "..."} with Jackson's streaming parser:
 * no tree is built, unknown fields are skipped, and the work is bounded by the record's size and depth.
 */
final class JsonPixelParser {

    private static final int SIDE = DecodedImage.SIDE;
    private static final int PIXELS = DecodedImage.PIXELS;

    private final JsonFactory factory = JsonFactory.builder()
            // NaN and Infinity are read as numbers so they can be refused by name, not as a syntax error.
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();
    private final int maxDepth;

    JsonPixelParser(int maxDepth) {
        this.maxDepth = maxDepth;
    }

    DecodedImage parse(byte[] json) throws InvalidInputException {
        try (JsonParser p = factory.createParser(json)) {
            return readObject(p);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new InvalidInputException(Reason.BAD_JSON,
                    "malformed JSON" + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidInputException(Reason.BAD_JSON, "unreadable JSON: " + e.getMessage(), e);
        }
    }

    private DecodedImage readObject(JsonParser p) throws IOException, InvalidInputException {
        JsonToken first = next(p);
        if (first != JsonToken.START_OBJECT) {
            throw bad("JSON must be an object like {\"pixels\": [...]}, found " + JsonPixelValues.describe(first));
        }
        byte[] pixels = null;
        String id = null;
        boolean sawId = false;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken value = next(p);
            if (name.equals("pixels")) {
                if (pixels != null) {
                    throw bad("duplicate \"pixels\" field");
                }
                pixels = readPixels(p, value);
            } else if (name.equals("id")) {
                if (sawId) {
                    throw bad("duplicate \"id\" field");
                }
                sawId = true;
                id = readId(value, p);
            } else {
                // Producers may add their own metadata; it is not ours to refuse.
                skip(p, value);
            }
        }
        if (pixels == null) {
            throw bad("missing \"pixels\" field");
        }
        if (p.nextToken() != null) {
            throw bad("unexpected content after the JSON object");
        }
        return new DecodedImage(pixels, id, InputFormat.JSON);
    }

    private byte[] readPixels(JsonParser p, JsonToken start) throws IOException, InvalidInputException {
        if (start != JsonToken.START_ARRAY) {
            throw bad("\"pixels\" must be an array, found " + JsonPixelValues.describe(start));
        }
        JsonToken first = next(p);
        if (first == JsonToken.END_ARRAY) {
            throw new InvalidInputException(Reason.WRONG_LENGTH,
                    "\"pixels\" is empty; expected " + PIXELS + " values or " + SIDE + " rows of " + SIDE);
        }
        byte[] out = new byte[PIXELS];
        if (first == JsonToken.START_ARRAY) {
            readRows(p, first, out);
        } else {
            readFlat(p, first, out);
        }
        return out;
    }

    private void readFlat(JsonParser p, JsonToken first, byte[] out) throws IOException, InvalidInputException {
        int count = readValues(p, first, out, 0, PIXELS, false);
        if (count != PIXELS) {
            throw new InvalidInputException(Reason.WRONG_LENGTH,
                    "\"pixels\" must hold exactly " + PIXELS + " values, got " + count);
        }
    }

    private void readRows(JsonParser p, JsonToken first, byte[] out) throws IOException, InvalidInputException {
        int rows = 0;
        for (JsonToken t = first; t != JsonToken.END_ARRAY; t = next(p)) {
            if (t != JsonToken.START_ARRAY) {
                throw bad("\"pixels\" mixes rows and values: pixels[" + rows + "] is " + JsonPixelValues.describe(t)
                        + " where a row of " + SIDE + " was expected");
            }
            if (rows < SIDE) {
                readRow(p, rows, out);
            } else {
                skip(p, t);
            }
            rows++;
        }
        if (rows != SIDE) {
            throw new InvalidInputException(Reason.WRONG_LENGTH,
                    "\"pixels\" must hold exactly " + SIDE + " rows, got " + rows);
        }
    }

    private void readRow(JsonParser p, int row, byte[] out) throws IOException, InvalidInputException {
        int count = readValues(p, next(p), out, row * SIDE, SIDE, true);
        if (count != SIDE) {
            throw new InvalidInputException(Reason.WRONG_LENGTH,
                    "row pixels[" + row + "] must hold exactly " + SIDE + " values, got " + count);
        }
    }

    /**
     * Reads an array's values into out[offset...], at most {@code expected} of them, and returns how many there
     * were: extra values are skipped but counted, so the message can say how many arrived.
     */
    private int readValues(JsonParser p, JsonToken first, byte[] out, int offset, int expected, boolean inRows)
            throws IOException, InvalidInputException {
        int count = 0;
        for (JsonToken t = first; t != JsonToken.END_ARRAY; t = next(p)) {
            if (count < expected) {
                out[offset + count] = JsonPixelValues.pixel(p, t, offset + count, inRows);
            } else {
                skip(p, t);
            }
            count++;
        }
        return count;
    }

    private static String readId(JsonToken t, JsonParser p) throws IOException, InvalidInputException {
        if (t == JsonToken.VALUE_STRING) {
            // Length first: a long id is refused without being copied into a String.
            if (p.getTextLength() > DecodedImage.MAX_ID_CHARS) {
                throw new InvalidInputException(Reason.ID_TOO_LONG, "\"id\" is " + p.getTextLength()
                        + " characters, more than " + DecodedImage.MAX_ID_CHARS);
            }
            return p.getText();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw bad("\"id\" must be a string, found " + JsonPixelValues.describe(t));
    }

    /** Skips a value; our own loop (not skipChildren) so that {@link #next} bounds its depth. */
    private void skip(JsonParser p, JsonToken t) throws IOException, InvalidInputException {
        int open = t.isStructStart() ? 1 : 0;
        while (open > 0) {
            JsonToken inner = next(p);
            if (inner.isStructStart()) {
                open++;
            } else if (inner.isStructEnd()) {
                open--;
            }
        }
    }

    /** Every token passes here: refuses the end of input and nesting deeper than the limit. */
    private JsonToken next(JsonParser p) throws IOException, InvalidInputException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw bad("JSON ends early");
        }
        if (t.isStructStart() && p.getParsingContext().getNestingDepth() > maxDepth) {
            throw bad("JSON is nested deeper than " + maxDepth + " levels");
        }
        return t;
    }

    private static InvalidInputException bad(String message) {
        return new InvalidInputException(Reason.BAD_JSON, message);
    }
}
