package io.digitflow.input;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/** Judges one JSON token as a pixel: a u8 value, or the reason and place that make it not one. */
final class JsonPixelValues {

    private static final int SIDE = DecodedImage.SIDE;

    private JsonPixelValues() {
    }

    /** The location is passed as numbers and spelled out only on error: this runs 784 times per record. */
    static byte pixel(JsonParser p, JsonToken t, int index, boolean inRows)
            throws IOException, InvalidInputException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            // Anything longer than 4 characters ("1000", "-100") is out of range whatever its digits:
            // checking the length first means a 1000-digit number is never converted.
            if (p.getTextLength() <= 4) {
                int v = p.getIntValue();
                if (v >= 0 && v <= 255) {
                    return (byte) v;
                }
            }
            throw new InvalidInputException(Reason.PIXEL_OUT_OF_RANGE,
                    where(index, inRows) + " is " + FormatDetector.abbreviate(p.getText()) + ", outside 0-255");
        }
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            String where = where(index, inRows);
            String text = FormatDetector.abbreviate(p.getText());
            throw new InvalidInputException(Reason.PIXEL_NOT_INTEGER, p.isNaN()
                    ? where + " is " + text + ", not a finite number"
                    // 1.0 is refused too: a producer sending floats likely means 0.0-1.0,
                    // which would pass as an almost black digit.
                    : where + " is " + text + ", a decimal; pixels must be integers 0-255");
        }
        throw new InvalidInputException(Reason.PIXEL_NOT_INTEGER,
                where(index, inRows) + " is " + describe(t) + ", not an integer");
    }

    private static String where(int index, boolean inRows) {
        return inRows ? "pixels[" + index / SIDE + "][" + index % SIDE + "]" : "pixels[" + index + "]";
    }

    /** How a token is named in messages: "a string", "an array". */
    static String describe(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            default -> t.asString() == null ? t.name() : "'" + t.asString() + "'";
        };
    }
}
