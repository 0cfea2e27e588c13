package io.digitflow.stream;

import com.fasterxml.jackson.core.io.schubfach.FloatToDecimal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.SplittableRandom;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-written prediction writer against Jackson's generator, which it replaced: the same JSON for the
 * same prediction, and every float in its shortest round-trip form.
 */
class PredictionJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyFloatReadsBackExactlyInNoMoreDigitsThanJacksonsShortestForm() {
        SplittableRandom random = new SplittableRandom(7);
        byte[] out = new byte[ShortestFloat.MAX_BYTES];
        for (int i = 0; i < 1_500_000; i++) {
            // All bit patterns, and the probabilities a softmax gives (many tiny ones).
            float value = i % 3 == 0 ? Float.intBitsToFloat(random.nextInt())
                    : i % 3 == 1 ? random.nextFloat() : (float) Math.exp(-random.nextDouble(0, 100));
            if (!Float.isFinite(value)) {
                continue;
            }
            int end = ShortestFloat.write(value, out, 0);
            String written = new String(out, 0, end, US_ASCII);
            assertThat(Float.parseFloat(written)).as("%s from %s", written, value).isEqualTo(value);
            assertThat(significantDigits(written)).as("%s vs Jackson's %s", written, FloatToDecimal.toString(value))
                    .isLessThanOrEqualTo(significantDigits(FloatToDecimal.toString(value)));
        }
    }

    @Test
    void edgeValuesAreValidJsonNumbersThatReadBack() throws IOException {
        float[] values = {0f, -0f, 1f, -1f, 0.5f, 0.1f, 1e-3f, 9.999999e-4f, 1e7f, 9999999f, 1e-45f, Float.MIN_VALUE,
                Float.MIN_NORMAL, Float.MAX_VALUE, 123456.7f, 3.4028235e38f, 1.17549435E-38f, 0.001f, 100f};
        byte[] out = new byte[ShortestFloat.MAX_BYTES];
        for (float value : values) {
            int end = ShortestFloat.write(value, out, 0);
            String written = new String(out, 0, end, US_ASCII);
            JsonNode node = JSON.readTree(written);
            assertThat(node.isNumber()).as(written).isTrue();
            assertThat(node.floatValue()).as(written).isEqualTo(value);
        }
        assertThat(write(Float.NaN)).isEqualTo("\"NaN\"");
        assertThat(write(Float.POSITIVE_INFINITY)).isEqualTo("\"Infinity\"");
        assertThat(write(0.25f)).isEqualTo("0.25");
        assertThat(write(1f)).isEqualTo("1.0");
        assertThat(write(3.0e-10f)).isEqualTo("3.0E-10");
        assertThat(write(0.0012f)).isEqualTo("0.0012");
    }

    @Test
    void predictionsAreTheJsonJacksonsGeneratorWrote() throws IOException {
        SplittableRandom random = new SplittableRandom(11);
        PredictionJson writer = new PredictionJson();
        String[] ids = {null, "", "key-17", "quote\"and\\backslash", "tab\there", "ünïcødé ✓ 𝟘", "\u0001control",
                "x".repeat(1024)};
        for (int i = 0; i < 20_000; i++) {
            float[] probabilities = softmax(random);
            int digit = argmax(probabilities);
            String id = ids[i % ids.length];
            long offset = random.nextLong(0, Long.MAX_VALUE);
            double latency = i % 2 == 0 ? random.nextInt(0, 100_000) : random.nextDouble(0, 1e6);
            byte[] ours = writer.write(id, digit, probabilities, 0, "v20261204-0700", i % 12, offset, latency);
            byte[] theirs = io.digitflow.support.JacksonPrediction.write(new com.fasterxml.jackson.core.util.ByteArrayBuilder(),
                    id, digit, probabilities, 0, "v20261204-0700", i % 12, offset, latency);
            assertThat(JSON.readTree(ours)).as(new String(ours, java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(JSON.readTree(theirs));
            Prediction read = PredictionJson.read(ours);
            assertThat(read.probabilities()).containsExactly(probabilities);
            assertThat(read.id()).isEqualTo(id);
        }
    }

    private static String write(float value) {
        byte[] out = new byte[ShortestFloat.MAX_BYTES];
        return new String(out, 0, ShortestFloat.write(value, out, 0), US_ASCII);
    }

    private static int significantDigits(String decimal) {
        String mantissa = decimal.replace("-", "").split("E")[0].replace(".", "");
        mantissa = mantissa.replaceFirst("^0+", "").replaceFirst("0+$", "");
        return Math.max(1, mantissa.length());
    }

    private static float[] softmax(SplittableRandom random) {
        double[] logits = new double[10];
        double max = Double.NEGATIVE_INFINITY;
        for (int d = 0; d < 10; d++) {
            logits[d] = random.nextDouble(-30, 30);
            max = Math.max(max, logits[d]);
        }
        double sum = 0;
        for (int d = 0; d < 10; d++) {
            logits[d] = Math.exp(logits[d] - max);
            sum += logits[d];
        }
        float[] p = new float[10];
        for (int d = 0; d < 10; d++) {
            p[d] = (float) (logits[d] / sum);
        }
        return p;
    }

    private static int argmax(float[] p) {
        int best = 0;
        for (int d = 1; d < p.length; d++) {
            best = p[d] > p[best] ? d : best;
        }
        return best;
    }
}
