package io.digitflow.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.digitflow.data.IdxFixtures.images;
import static io.digitflow.data.IdxFixtures.labels;
import static io.digitflow.data.IdxFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MnistSplitTest {

    @TempDir
    Path dir;

    @Test
    void pairsImagesWithTheirLabels() {
        MnistSplit split = MnistSplit.of(IdxReader.readImages(write(dir, "i", images(3))),
                IdxReader.readLabels(write(dir, "l", labels(3, 5))));

        assertThat(split.count()).isEqualTo(3);
        assertThat(split.label(0)).isEqualTo(5);
        assertThat(split.label(2)).isEqualTo(7);
        // Pixel k of the body is k * 7 mod 256, so image 1 starts at body offset 784.
        assertThat(Byte.toUnsignedInt(split.image(1)[0])).isEqualTo(784 * 7 % 256);
        assertThat(split.image(1)).hasSize(MnistSplit.PIXELS);
    }

    @Test
    void imageReturnsACopy() {
        MnistSplit split = MnistSplit.of(IdxReader.readImages(write(dir, "i", images(1))),
                IdxReader.readLabels(write(dir, "l", labels(1, 0))));
        byte before = split.images()[10];

        split.image(0)[10]++;

        assertThat(split.images()[10]).isEqualTo(before);
    }

    @Test
    void refusesImageAndLabelCountsThatDisagreeNamingBothFiles() {
        Path images = write(dir, "train-images", images(3));
        Path labels = write(dir, "train-labels", labels(2, 0));

        assertThatThrownBy(() -> MnistSplit.of(IdxReader.readImages(images), IdxReader.readLabels(labels)))
                .isInstanceOf(DataException.class)
                .hasMessage(images + ": holds 3 images but " + labels + " holds 2 labels; "
                        + "they must come from the same split");
    }

    @Test
    void refusesIndexesOutsideTheSplit() {
        MnistSplit split = new MnistSplit(new byte[MnistSplit.PIXELS], new byte[1], 1);

        assertThatThrownBy(() -> split.image(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> split.label(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void refusesArraysThatDoNotMatchTheCount() {
        assertThatThrownBy(() -> new MnistSplit(new byte[MnistSplit.PIXELS], new byte[2], 2))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
