package io.digitflow.input;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the decoder from real MNIST digits encoded as WebP ({@link FuzzInputs}). In `mvn verify` it runs
 * for a few seconds (Jazzer fuzzing mode, see the pom's fuzz execution); crashes found are kept under
 * src/test/resources and replayed by every later run.
 */
class WebpDecoderFuzzTest {

    @FuzzTest(maxDuration = FuzzInputs.CI_DURATION)
    void decodesOrRefusesWithAReason(FuzzedDataProvider data) {
        FuzzInputs.decodeChecked(FuzzInputs.record(FuzzInputs.webp(), data), FuzzInputs.contentType(data, "image/webp"));
    }
}
