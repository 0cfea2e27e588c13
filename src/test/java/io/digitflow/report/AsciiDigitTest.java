package io.digitflow.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AsciiDigitTest {

    @Test
    void anEmptyImageIs28BlankLinesOf56Characters() {
        List<String> lines = AsciiDigit.render(new byte[784]).lines().toList();

        assertThat(lines).hasSize(28);
        assertThat(lines).allSatisfy(line -> assertThat(line).hasSize(56).isBlank());
    }

    @Test
    void fullInkIsTheDarkestShadeTwoCharactersWideWhereItWasDrawn() {
        byte[] pixels = verticalStroke(14, 4, 23);

        List<String> lines = AsciiDigit.render(pixels).lines().toList();

        assertThat(lines.get(10)).isEqualTo(" ".repeat(28) + "██" + " ".repeat(26));
        assertThat(lines.get(3)).isBlank();
        assertThat(lines.get(24)).isBlank();
        assertThat(lines.stream().filter(line -> line.contains("█"))).hasSize(20);
    }

    @Test
    void fainterInkGetsALighterShade() {
        byte[] pixels = new byte[784];
        pixels[0] = (byte) 60;
        pixels[1] = (byte) 128;
        pixels[2] = (byte) 180;
        pixels[3] = (byte) 255;

        assertThat(AsciiDigit.render(pixels).lines().findFirst().orElseThrow()).startsWith("░░▒▒▓▓██  ");
    }

    @Test
    void compactFormStacksTwoPixelsPerCharacter() {
        byte[] pixels = verticalStroke(14, 3, 22); // rows 3..22: starts on a bottom half, ends on a top half

        List<String> lines = AsciiDigit.renderCompact(pixels).lines().toList();

        assertThat(lines).hasSize(14).allSatisfy(line -> assertThat(line).hasSize(28));
        assertThat(lines.get(1).charAt(14)).isEqualTo('▄');
        assertThat(lines.get(5).charAt(14)).isEqualTo('█');
        assertThat(lines.get(11).charAt(14)).isEqualTo('▀');
        assertThat(lines.get(5).charAt(13)).isEqualTo(' ');
        assertThat(AsciiDigit.renderCompact(new byte[784])).isBlank();
    }

    @Test
    void printsASyntheticDigitRecognisably() {
        String seven = AsciiDigit.render(SyntheticDigits.image(7, 0));

        // The top bar of a 7 is its widest row of ink.
        assertThat(seven.lines().mapToLong(line -> line.chars().filter(c -> c == '█').count()).max().orElse(0))
                .isGreaterThan(20);
    }

    @Test
    void rejectsAnImageOfTheWrongSize() {
        assertThatThrownBy(() -> AsciiDigit.render(new byte[100])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("784");
    }

    private static byte[] verticalStroke(int column, int fromRow, int toRow) {
        byte[] pixels = new byte[784];
        for (int y = fromRow; y <= toRow; y++) {
            pixels[y * 28 + column] = (byte) 255;
        }
        return pixels;
    }
}
