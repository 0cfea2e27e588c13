package io.digitflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.digitflow.UserException;
import io.digitflow.inference.ConstantClassifier;
import io.digitflow.input.DecodeLimits;
import io.digitflow.input.ImageDecoder;
import io.digitflow.support.PhotoDigits;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PictureEvaluationTest {

    @TempDir
    Path dir;

    /** A 28x28 "digit": a vertical bar of ink, the same whatever the label; the classifier answers 0 anyway. */
    private static byte[] bar() {
        byte[] digit = new byte[784];
        for (int y = 4; y < 24; y++) {
            for (int x = 12; x < 16; x++) {
                digit[y * 28 + x] = (byte) 255;
            }
        }
        return digit;
    }

    @Test
    void labelsComeFromLabelsCsvElseTheFileNameAndMistakesAreDrawnAsPairs() throws Exception {
        PhotoDigits photos = new PhotoDigits(1);
        Path folder = Files.createDirectories(dir.resolve("scans"));
        Files.write(folder.resolve("0_a.png"), photos.render(bar(), false).bytes());
        Files.write(folder.resolve("0-b.jpg"), photos.render(bar(), true).bytes());
        Files.write(folder.resolve("3_c.png"), photos.render(bar(), false).bytes());
        Files.write(folder.resolve("scan-17.png"), photos.render(bar(), false).bytes()); // labelled in the CSV as 0
        Files.write(folder.resolve("scan-18.png"), photos.render(bar(), false).bytes()); // labelled as 5
        Files.write(folder.resolve("notes.txt"), "no label".getBytes(StandardCharsets.UTF_8));
        BufferedImage blank = new BufferedImage(40, 40, BufferedImage.TYPE_BYTE_GRAY);
        ImageIO.write(blank, "png", folder.resolve("7_blank.png").toFile());
        Files.writeString(folder.resolve("labels.csv"), "file,label\nscan-17.png,0\nscan-18.png, 5\n");

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Path report = dir.resolve("report");
        PictureEvaluation.Result result = PictureEvaluation.run(folder, new ConstantClassifier("test"),
                new ImageDecoder(DecodeLimits.DEFAULTS), report, new PrintStream(text, true, StandardCharsets.UTF_8));

        assertThat(result.pictures()).isEqualTo(6);
        assertThat(result.unlabelled()).isEqualTo(1);
        assertThat(result.refused()).containsEntry("empty-picture", 1);
        assertThat(result.correct()).isEqualTo(3); // the three zeros; 3_c, scan-18 and the blank 7 are wrong
        assertThat(result.accuracy()).isEqualTo(0.5);
        assertThat(result.evaluation().confusion()[3][0]).isEqualTo(1);
        assertThat(result.evaluation().confusion()[5][0]).isEqualTo(1);
        String printed = text.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("Accuracy: 0.5000 (3 of 6").contains("refused as empty-picture: 1");
        BufferedImage grid = ImageIO.read(report.resolve("pictures-mistakes.png").toFile());
        assertThat(grid.getWidth()).isGreaterThan(0);
        assertThat(ImageIO.read(report.resolve("pictures-confusion-matrix.png").toFile())).isNotNull();
    }

    @Test
    void prefixLabelsNeedASingleLeadingDigit() {
        assertThat(PictureEvaluation.prefixLabel("7.png")).isEqualTo(7);
        assertThat(PictureEvaluation.prefixLabel("4_scan.jpg")).isEqualTo(4);
        assertThat(PictureEvaluation.prefixLabel("17.png")).isNull();
        assertThat(PictureEvaluation.prefixLabel("x7.png")).isNull();
    }

    @Test
    void aBadLabelInTheCsvIsNamed() throws Exception {
        Files.writeString(dir.resolve("labels.csv"), "a.png,12\n");
        assertThatThrownBy(() -> PictureEvaluation.readLabels(dir.resolve("labels.csv")))
                .isInstanceOf(UserException.class).hasMessageContaining("line 1");
    }
}
