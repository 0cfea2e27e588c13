package io.digitflow.input;

import io.digitflow.support.Pictures;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class ExifOrientationTest {

    /** A JPEG with an APP1 EXIF segment holding only the orientation tag, inserted right after SOI. */
    static byte[] withOrientation(byte[] jpeg, int orientation, boolean bigEndian) {
        ByteArrayOutputStream tiff = new ByteArrayOutputStream();
        if (bigEndian) {
            tiff.writeBytes(new byte[] {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1,
                    0, (byte) orientation, 0, 0, 0, 0, 0, 0});
        } else {
            tiff.writeBytes(new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0,
                    (byte) orientation, 0, 0, 0, 0, 0, 0, 0});
        }
        byte[] body = tiff.toByteArray();
        int length = 2 + 6 + body.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xD8);
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (length >> 8), (byte) length,
                'E', 'x', 'i', 'f', 0, 0});
        out.writeBytes(body);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** 40 wide, 60 tall: white, with a black bar along the top. */
    private static byte[] barAtTheTop() {
        BufferedImage image = Pictures.fill(Pictures.canvas(40, 60, 255), 0, 0, 40, 8, 0);
        return Pictures.jpeg(image, 0.95f);
    }

    @Test
    void readsTheTagInEitherByteOrder() {
        byte[] jpeg = barAtTheTop();
        assertThat(ExifOrientation.of(jpeg)).isEqualTo(1);
        for (int orientation = 1; orientation <= 8; orientation++) {
            assertThat(ExifOrientation.of(withOrientation(jpeg, orientation, true))).isEqualTo(orientation);
            assertThat(ExifOrientation.of(withOrientation(jpeg, orientation, false))).isEqualTo(orientation);
        }
    }

    @Test
    void aPortraitPhotoIsTurnedUprightBeforePreparation() throws Exception {
        // Orientation 6: the stored picture must be turned 90 degrees clockwise, so its top bar ends up on the right.
        GreyImage upright = new PictureDecoder(DecodeLimits.DEFAULTS)
                .decode(withOrientation(barAtTheTop(), 6, true), InputFormat.JPEG);
        assertThat(upright.width()).isEqualTo(60);
        assertThat(upright.height()).isEqualTo(40);
        assertThat(upright.at(57, 20)).as("right edge").isLessThan(40f);
        assertThat(upright.at(2, 20)).as("left edge").isGreaterThan(215f);
    }

    @Test
    void everyOrientationMapsTheCornersAsExifDefinesThem() {
        // Stored 3 wide, 2 tall: a b c / d e f.
        GreyImage stored = new GreyImage(3, 2, new float[] {1, 2, 3, 4, 5, 6});
        assertThat(ExifOrientation.apply(stored, 1).luminance()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(ExifOrientation.apply(stored, 2).luminance()).containsExactly(3, 2, 1, 6, 5, 4);
        assertThat(ExifOrientation.apply(stored, 3).luminance()).containsExactly(6, 5, 4, 3, 2, 1);
        assertThat(ExifOrientation.apply(stored, 4).luminance()).containsExactly(4, 5, 6, 1, 2, 3);
        assertThat(ExifOrientation.apply(stored, 5).luminance()).containsExactly(1, 4, 2, 5, 3, 6);
        assertThat(ExifOrientation.apply(stored, 6).luminance()).containsExactly(4, 1, 5, 2, 6, 3);
        assertThat(ExifOrientation.apply(stored, 7).luminance()).containsExactly(6, 3, 5, 2, 4, 1);
        assertThat(ExifOrientation.apply(stored, 8).luminance()).containsExactly(3, 6, 2, 5, 1, 4);
        assertThat(ExifOrientation.apply(stored, 6).width()).isEqualTo(2);
    }

    @Test
    void malformedOrHostileTagsReadAsUpright() {
        byte[] jpeg = withOrientation(barAtTheTop(), 6, true);
        byte[] badOffset = jpeg.clone();
        badOffset[2 + 4 + 6 + 7] = 0x7F; // IFD0 offset far beyond the segment
        assertThat(ExifOrientation.of(badOffset)).isEqualTo(1);
        byte[] outOfRange = withOrientation(barAtTheTop(), 9, true);
        assertThat(ExifOrientation.of(outOfRange)).isEqualTo(1);
        byte[] hugeSegment = jpeg.clone();
        hugeSegment[4] = (byte) 0xFF; // APP1 claims 65 KB: more than the file holds
        assertThat(ExifOrientation.of(hugeSegment)).isEqualTo(1);
        assertThat(ExifOrientation.of(new byte[] {(byte) 0xFF, (byte) 0xD8})).isEqualTo(1);
        assertThat(ExifOrientation.of(java.util.Arrays.copyOf(jpeg, 14))).isEqualTo(1);
    }
}
