package io.digitflow.input;

import io.digitflow.support.Pictures;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FormatSelectionTest {

    private final ImageDecoder decoder = new ImageDecoder(DecodeLimits.DEFAULTS);

    private static byte[] raw(int value) {
        byte[] pixels = new byte[DecodedImage.PIXELS];
        Arrays.fill(pixels, (byte) value);
        return pixels;
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String flatJson(int value) {
        return "{\"pixels\":[" + String.join(",", Collections.nCopies(DecodedImage.PIXELS, "" + value)) + "]}";
    }

    private InvalidInputException failure(byte[] value, String contentType) {
        return catchThrowableOfType(InvalidInputException.class, () -> decoder.decode(value, contentType));
    }

    /** Pictures are prepared like MNIST; raw and JSON records are MNIST already and pass through untouched. */
    @Test
    void rawAndJsonOfTheSameDigitDecodeToExactlyItsPixels() throws Exception {
        byte[] digit = new byte[DecodedImage.PIXELS];
        StringBuilder json = new StringBuilder("{\"pixels\":[");
        for (int i = 0; i < digit.length; i++) {
            digit[i] = (byte) (i * 7);
            json.append(i == 0 ? "" : ",").append(digit[i] & 0xFF);
        }
        byte[] fromJson = decoder.decode(json(json.append("]}").toString()), null).pixels();
        assertThat(fromJson).isEqualTo(digit);
        assertThat(decoder.decode(digit.clone(), null).pixels()).isEqualTo(digit);
    }

    @Test
    void sniffsWebpByItsRiffHeaderAndNotOtherRiffFiles() throws Exception {
        byte[] wav = Arrays.copyOf("RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.US_ASCII), 40);
        assertThat(FormatDetector.sniff(Pictures.resource("webp/digit-lossy.webp"))).isEqualTo(InputFormat.WEBP);
        assertThat(failure(wav, null).reason()).isEqualTo(Reason.UNRECOGNISED_FORMAT);
        assertThat(FormatDetector.fromContentType("Image/WebP; q=1")).isEqualTo(InputFormat.WEBP);
    }

    @Test
    void rawPathReturnsTheRecordValueItselfWithoutCopying() throws Exception {
        byte[] value = raw(7);
        DecodedImage sniffed = decoder.decode(value, null);
        DecodedImage declared = decoder.decode(value, "application/x-digit-u8");
        assertThat(sniffed.pixels()).isSameAs(value);
        assertThat(declared.pixels()).isSameAs(value);
        assertThat(declared.format()).isEqualTo(InputFormat.RAW);
        assertThat(declared.idOrNull()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/x-digit-u8", "APPLICATION/X-Digit-U8", " application/x-digit-u8 ",
        "application/x-digit-u8; foo=bar", "application/octet-stream", "Application/Octet-Stream;q=1"})
    void rawContentTypesIgnoreCaseAndParameters(String contentType) throws Exception {
        assertThat(decoder.decode(raw(1), contentType).format()).isEqualTo(InputFormat.RAW);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "Application/JSON"})
    void jsonContentTypesIgnoreCaseAndParameters(String contentType) throws Exception {
        assertThat(decoder.decode(json(flatJson(3)), contentType).format()).isEqualTo(InputFormat.JSON);
    }

    @Test
    void headerWinsOverWhatTheBytesLookLike() {
        // 784 bytes would sniff as raw; the header says JSON, so it is parsed (and refused) as JSON.
        InvalidInputException e = failure(raw('{'), "application/json");
        assertThat(e.reason()).isEqualTo(Reason.BAD_JSON);
        // A JSON document declared raw is held to the raw length.
        InvalidInputException raw = failure(json(flatJson(3)), "application/x-digit-u8");
        assertThat(raw.reason()).isEqualTo(Reason.WRONG_LENGTH);
    }

    @Test
    void blankHeaderIsTreatedAsAbsent() throws Exception {
        assertThat(decoder.decode(raw(0), "  ").format()).isEqualTo(InputFormat.RAW);
    }

    @Test
    void unknownContentTypeIsNamed() {
        InvalidInputException e = failure(raw(0), "text/plain; charset=utf-8");
        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_CONTENT_TYPE);
        assertThat(e.getMessage()).contains("'text/plain; charset=utf-8'").contains("image/png");
    }

    @Test
    void hostileContentTypeIsAbbreviatedInTheMessage() {
        InvalidInputException e = failure(raw(0), "x/" + "y".repeat(10_000));
        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_CONTENT_TYPE);
        assertThat(e.getMessage()).hasSizeLessThan(300);
    }

    @Test
    void sniffsJsonAfterWhitespaceAndByteOrderMark() throws Exception {
        byte[] withBom = json("\uFEFF \n\t" + flatJson(9));
        DecodedImage image = decoder.decode(withBom, null);
        assertThat(image.format()).isEqualTo(InputFormat.JSON);
        assertThat(image.pixels()[0]).isEqualTo((byte) 9);
    }

    @Test
    void sniffsPngAndJpegBySignature() throws Exception {
        var picture = Pictures.fill(Pictures.canvas(40, 40, 255), 18, 5, 22, 35, 0);
        assertThat(decoder.decode(Pictures.png(picture), null).format()).isEqualTo(InputFormat.PNG);
        assertThat(decoder.decode(Pictures.jpeg(picture, 0.9f), null).format()).isEqualTo(InputFormat.JPEG);
    }

    @Test
    void otherLengthsWithoutHeaderAreUnrecognised() {
        InvalidInputException e = failure(new byte[783], null);
        assertThat(e.reason()).isEqualTo(Reason.UNRECOGNISED_FORMAT);
        assertThat(e.getMessage()).contains("783 bytes");
    }

    @Test
    void rawWithWrongLengthSaysBothLengths() {
        InvalidInputException e = failure(new byte[783], "application/x-digit-u8");
        assertThat(e.reason()).isEqualTo(Reason.WRONG_LENGTH);
        assertThat(e.getMessage()).isEqualTo("raw image must be exactly 784 bytes, got 783");
    }

    @Test
    void nullAndEmptyValuesAreEmptyRecords() {
        assertThat(failure(null, null).reason()).isEqualTo(Reason.EMPTY_RECORD);
        assertThat(failure(null, null).getMessage()).contains("tombstone");
        assertThat(failure(new byte[0], "application/x-digit-u8").reason()).isEqualTo(Reason.EMPTY_RECORD);
    }

    @Test
    void oversizedRecordIsRefusedBeforeParsing() {
        ImageDecoder small = new ImageDecoder(new DecodeLimits(1000, 64, 64, 4096, 8));
        // Not even valid JSON: the size check must come first.
        byte[] value = json("{" + " ".repeat(1000));
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> small.decode(value, null));
        assertThat(e.reason()).isEqualTo(Reason.RECORD_TOO_LARGE);
        assertThat(e.getMessage()).isEqualTo("record value is 1001 bytes, more than the limit of 1000");
    }

    @Test
    void reasonCodesAreDistinctKebabCase() {
        assertThat(Arrays.stream(Reason.values()).map(Reason::code))
                .doesNotHaveDuplicates()
                .allMatch(code -> code.matches("[a-z]+(-[a-z]+)*"));
        assertThat(Reason.WRONG_LENGTH.code()).isEqualTo("wrong-length");
    }

    @Test
    void limitsRefuseNonsense() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new DecodeLimits(0, 1, 1, 1, 8)).withMessageContaining("maxRecordBytes");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new DecodeLimits(1, 1, 1, 1, 2)).withMessageContaining("maxJsonDepth");
    }
}
