package io.digitflow.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProbabilityBarsTest {

    private static final float[] SEVEN = {1e-6f, 2e-6f, 3e-5f, 1e-5f, 1e-6f, 1e-6f, 1e-7f, 0.99993f, 2e-5f, 1e-6f};

    @Test
    void tenLinesOneMarkedWithTheArrow() {
        List<String> lines = ProbabilityBars.render(SEVEN, 7).lines().toList();

        assertThat(lines).hasSize(10);
        assertThat(lines.get(7)).startsWith(ProbabilityBars.ARROW + " 7 ").endsWith(" 0.99993");
        assertThat(lines.stream().filter(line -> line.startsWith(ProbabilityBars.ARROW))).hasSize(1);
        assertThat(lines.get(0)).startsWith("  0 ").endsWith(" 0.00000");
    }

    @Test
    void theMostProbableClassIsMarkedByDefaultAndHasTheLongestBar() {
        float[] probabilities = {0.1f, 0.05f, 0.6f, 0.25f, 0, 0, 0, 0, 0, 0};

        List<String> lines = ProbabilityBars.render(probabilities).lines().toList();

        assertThat(lines.get(2)).startsWith(ProbabilityBars.ARROW);
        assertThat(blocks(lines.get(2))).isEqualTo(18);
        assertThat(blocks(lines.get(3))).isLessThan(blocks(lines.get(2))).isGreaterThan(blocks(lines.get(0)));
    }

    @Test
    void barsKeepTheNumbersInOneColumn() {
        List<String> lines = ProbabilityBars.render(new float[] {0, 0.33f, 1, Float.NaN}, 2).lines().toList();

        assertThat(lines).extracting(String::length).containsOnly(lines.get(0).length());
        assertThat(ProbabilityBars.bar(1)).isEqualTo("█".repeat(ProbabilityBars.WIDTH));
        assertThat(ProbabilityBars.bar(0.5f / ProbabilityBars.WIDTH)).startsWith("▌");
    }

    @Test
    void argmaxSkipsNanAndTakesTheFirstOfATie() {
        assertThat(ProbabilityBars.argmax(new float[] {Float.NaN, 0.5f, 0.5f})).isEqualTo(1);
        assertThat(ProbabilityBars.argmax(new float[0])).isEqualTo(-1);
    }

    @Test
    void rejectsAHighlightThatIsNotAClass() {
        assertThatThrownBy(() -> ProbabilityBars.render(SEVEN, 10)).isInstanceOf(IllegalArgumentException.class);
    }

    private static long blocks(String line) {
        return line.chars().filter(c -> c == '█').count();
    }
}
