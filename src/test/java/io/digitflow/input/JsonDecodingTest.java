package io.digitflow.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonDecodingTest {

    private static final int SIDE = DecodedImage.SIDE;
    private final ImageDecoder decoder = new ImageDecoder(DecodeLimits.DEFAULTS);

    /** A flat pixel list whose i-th value is {@code value.apply(i)}, with {@code count} values. */
    private static String flat(int count, IntFunction<String> value) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add(value.apply(i));
        }
        return "[" + String.join(",", values) + "]";
    }

    /** {@code rows} rows of {@code cols} values, pixel (r, c) = (r * 28 + c) % 256. */
    private static String rows(int rows, int cols) {
        List<String> lines = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            int row = r;
            lines.add(flat(cols, c -> "" + (row * SIDE + c) % 256));
        }
        return "[" + String.join(",", lines) + "]";
    }

    private DecodedImage decode(String json) throws InvalidInputException {
        return decoder.decode(json.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    private InvalidInputException failure(String json) {
        return catchThrowableOfType(InvalidInputException.class, () -> decode(json));
    }

    /** A valid flat record except that pixel 100 is {@code pixel}. */
    private InvalidInputException failureWithPixel100(String pixel) {
        return failure("{\"pixels\":" + flat(784, i -> i == 100 ? pixel : "0") + "}");
    }

    @Test
    void flatListWithIdDecodes() throws Exception {
        DecodedImage image = decode("{\"id\":\"abc\", \"pixels\":" + flat(784, i -> "" + i % 256) + "}");
        assertThat(image.format()).isEqualTo(InputFormat.JSON);
        assertThat(image.idOrNull()).isEqualTo("abc");
        assertThat(image.pixels()).hasSize(784);
        assertThat(image.pixels()[255] & 0xFF).isEqualTo(255);
        assertThat(image.pixels()[300] & 0xFF).isEqualTo(300 % 256);
    }

    @Test
    void rowsOfRowsDecodeInRowMajorOrder() throws Exception {
        DecodedImage image = decode("{\"pixels\":" + rows(28, 28) + ", \"id\": null}");
        assertThat(image.idOrNull()).isNull();
        for (int i = 0; i < 784; i++) {
            assertThat(image.pixels()[i] & 0xFF).as("pixel %d", i).isEqualTo(i % 256);
        }
    }

    @Test
    void unknownFieldsAreSkipped() throws Exception {
        DecodedImage image = decode("{\"meta\":{\"a\":[1,{\"b\":2}]},\"pixels\":" + flat(784, i -> "1")
                + ",\"label\":7}");
        assertThat(image.pixels()[783]).isEqualTo((byte) 1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "783|\"pixels\" must hold exactly 784 values, got 783",
        "785|\"pixels\" must hold exactly 784 values, got 785",
        "0|\"pixels\" is empty; expected 784 values or 28 rows of 28"})
    void wrongCountIsNamed(int count, String message) {
        InvalidInputException e = failure("{\"pixels\":" + flat(count, i -> "0") + "}");
        assertThat(e.reason()).isEqualTo(Reason.WRONG_LENGTH);
        assertThat(e.getMessage()).isEqualTo(message);
    }

    @Test
    void wrongRowCountAndRowLengthAreNamed() {
        InvalidInputException rows = failure("{\"pixels\":" + rows(27, 28) + "}");
        assertThat(rows.reason()).isEqualTo(Reason.WRONG_LENGTH);
        assertThat(rows.getMessage()).isEqualTo("\"pixels\" must hold exactly 28 rows, got 27");
        String shortRow = rows(28, 28).replaceFirst("\\[\\[0,1,", "[[1,");
        InvalidInputException row = failure("{\"pixels\":" + shortRow + "}");
        assertThat(row.reason()).isEqualTo(Reason.WRONG_LENGTH);
        assertThat(row.getMessage()).isEqualTo("row pixels[0] must hold exactly 28 values, got 27");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "256|PIXEL_OUT_OF_RANGE|pixels[100] is 256, outside 0-255",
        "-1|PIXEL_OUT_OF_RANGE|pixels[100] is -1, outside 0-255",
        "99999999999999999999|PIXEL_OUT_OF_RANGE|pixels[100] is 99999999999999999999, outside 0-255",
        "12.5|PIXEL_NOT_INTEGER|pixels[100] is 12.5, a decimal; pixels must be integers 0-255",
        "1.0|PIXEL_NOT_INTEGER|pixels[100] is 1.0, a decimal; pixels must be integers 0-255",
        "1e400|PIXEL_NOT_INTEGER|pixels[100] is 1e400, a decimal; pixels must be integers 0-255",
        "NaN|PIXEL_NOT_INTEGER|pixels[100] is NaN, not a finite number",
        "Infinity|PIXEL_NOT_INTEGER|pixels[100] is Infinity, not a finite number",
        "-Infinity|PIXEL_NOT_INTEGER|pixels[100] is -Infinity, not a finite number",
        "\"7\"|PIXEL_NOT_INTEGER|pixels[100] is a string, not an integer",
        "null|PIXEL_NOT_INTEGER|pixels[100] is null, not an integer",
        "true|PIXEL_NOT_INTEGER|pixels[100] is a boolean, not an integer",
        "{}|PIXEL_NOT_INTEGER|pixels[100] is an object, not an integer"})
    void badPixelsAreNamedWithTheirPlace(String pixel, Reason reason, String message) {
        InvalidInputException e = failureWithPixel100(pixel);
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.getMessage()).isEqualTo(message);
    }

    @Test
    void badPixelInRowsIsNamedByRowAndColumn() {
        String json = rows(28, 28).replaceFirst("\\[\\[0,1,", "[[0,300,");
        InvalidInputException e = failure("{\"pixels\":" + json + "}");
        assertThat(e.reason()).isEqualTo(Reason.PIXEL_OUT_OF_RANGE);
        assertThat(e.getMessage()).isEqualTo("pixels[0][1] is 300, outside 0-255");
    }

    @Test
    void thousandDigitNumberIsOutOfRangeAndAbbreviated() {
        InvalidInputException e = failureWithPixel100("9".repeat(1000));
        assertThat(e.reason()).isEqualTo(Reason.PIXEL_OUT_OF_RANGE);
        assertThat(e.getMessage()).hasSizeLessThan(200).endsWith("..., outside 0-255");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[1,2,3]|JSON must be an object like {\"pixels\": [...]}, found an array",
        "{\"id\":\"a\"}|missing \"pixels\" field",
        "{\"pixels\":\"abc\"}|\"pixels\" must be an array, found a string",
        "{\"id\":5,\"pixels\":[]}|\"id\" must be a string, found a number"})
    void wrongShapeIsBadJson(String json, String message) {
        InvalidInputException e = failure(json);
        assertThat(e.reason()).isEqualTo(Reason.BAD_JSON);
        assertThat(e.getMessage()).isEqualTo(message);
    }

    @Test
    void mixedRowsAndValuesAndDuplicatesAreBadJson() {
        String row = flat(28, i -> "0");
        InvalidInputException mixed = failure("{\"pixels\":[" + row + ",5]}");
        assertThat(mixed.reason()).isEqualTo(Reason.BAD_JSON);
        assertThat(mixed.getMessage())
                .isEqualTo("\"pixels\" mixes rows and values: pixels[1] is a number where a row of 28 was expected");
        String pixels = flat(784, i -> "0");
        InvalidInputException duplicate = failure("{\"pixels\":" + pixels + ",\"pixels\":" + pixels + "}");
        assertThat(duplicate.reason()).isEqualTo(Reason.BAD_JSON);
        assertThat(duplicate.getMessage()).isEqualTo("duplicate \"pixels\" field");
    }

    @Test
    void malformedJsonSaysWhereAndWhat() {
        InvalidInputException truncated = failure("{\"pixels\":[1,2,");
        assertThat(truncated.reason()).isEqualTo(Reason.BAD_JSON);
        assertThat(truncated.getMessage()).startsWith("malformed JSON at line 1, column").contains("end-of-input");
        InvalidInputException garbage = failure("{\"pixels\": [1, x]}");
        assertThat(garbage.reason()).isEqualTo(Reason.BAD_JSON);
        assertThat(garbage.getMessage()).contains("column 16").contains("'x'");
    }

    @Test
    void trailingContentIsRefused() {
        InvalidInputException e = failure("{\"pixels\":" + flat(784, i -> "0") + "} {}");
        assertThat(e.reason()).isEqualTo(Reason.BAD_JSON);
        assertThat(e.getMessage()).isEqualTo("unexpected content after the JSON object");
    }

    @Test
    void deepNestingIsRefusedAtTheLimit() {
        // Depth 8 (the default limit) is accepted in an unknown field; depth 9 is not.
        String ok = "{\"x\":" + "[".repeat(7) + "]".repeat(7) + ",\"pixels\":" + flat(784, i -> "0") + "}";
        assertThat(catchThrowableOfType(InvalidInputException.class, () -> decode(ok))).isNull();
        InvalidInputException e = failure("{\"x\":" + "[".repeat(100_000));
        assertThat(e.reason()).isEqualTo(Reason.BAD_JSON);
        assertThat(e.getMessage()).isEqualTo("JSON is nested deeper than 8 levels");
    }
}
