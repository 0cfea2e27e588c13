package io.digitflow.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BackgroundPlaneTest {

    private static final int W = 60;
    private static final int H = 40;

    /** Paper lit from the left, with a dark block of ink the fit must ignore. */
    private static float[] litPaper(double level, double perX, double perY, boolean[] paper) {
        float[] values = new float[W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int i = y * W + x;
                boolean ink = x >= 20 && x < 30 && y >= 5 && y < 35;
                values[i] = ink ? 10f : (float) (level + perX * (x - (W - 1) / 2.0) + perY * (y - (H - 1) / 2.0));
                paper[i] = !ink;
            }
        }
        return values;
    }

    @Test
    void recoversAnUnevenlyLitPaperFromItsPaperPixelsAlone() {
        boolean[] paper = new boolean[W * H];
        float[] values = litPaper(180, 0.5, -0.25, paper);
        BackgroundPlane plane = BackgroundPlane.fit(values, paper, W, H, 0);
        assertThat(plane.level()).isCloseTo(180f, within(0.01f));
        assertThat(plane.perX()).isCloseTo(0.5f, within(1e-4f));
        assertThat(plane.perY()).isCloseTo(-0.25f, within(1e-4f));
        assertThat(plane.at(0, 0)).isCloseTo((float) (180 - 0.5 * 29.5 + 0.25 * 19.5), within(0.01f));
    }

    @Test
    void tiltIsCappedSoAFitNeverCarvesTheDigitOut() {
        boolean[] paper = new boolean[W * H];
        float[] values = litPaper(128, 3, 0, paper); // 177 grey levels across: no lighting does that
        BackgroundPlane plane = BackgroundPlane.fit(values, paper, W, H, 0);
        assertThat(plane.at(W - 1, 0) - plane.at(0, 0)).isCloseTo(BackgroundPlane.MAX_SPAN, within(0.01f));
    }

    @Test
    void tooFewPaperPixelsGiveTheFallbackLevel() {
        BackgroundPlane plane = BackgroundPlane.fit(new float[W * H], new boolean[W * H], W, H, 200);
        assertThat(plane.at(3, 7)).isEqualTo(200f);
        assertThat(plane.perX()).isZero();
    }
}
