package io.digitflow.input;

/**
 * The EXIF orientation of a JPEG (1-8; 1 = as stored), read from its APP1 segment without a metadata library,
 * and the turn that puts the picture upright. Phones store pictures as the sensor saw them and record how the
 * phone was held: a digit photographed in portrait arrives lying on its side without this.
 *
 * <p>Bounded: only the segments before the first scan are walked, at most {@link #MAX_SEGMENTS} of them, each
 * offset is checked against the bytes, and at most {@link #MAX_ENTRIES} IFD entries are read. Anything
 * malformed reads as orientation 1: a broken tag is no reason to refuse a picture the decoder can read.
 */
final class ExifOrientation {

    static final int MAX_SEGMENTS = 64;
    static final int MAX_ENTRIES = 512;
    private static final int ORIENTATION_TAG = 0x0112;

    private ExifOrientation() {
    }

    /** The orientation tag of a JPEG, 1 when absent, malformed or out of range. */
    static int of(byte[] jpeg) {
        if (jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
            return 1;
        }
        int pos = 2;
        for (int segment = 0; segment < MAX_SEGMENTS && pos + 4 <= jpeg.length; segment++) {
            if ((jpeg[pos] & 0xFF) != 0xFF) {
                return 1;
            }
            int marker = jpeg[pos + 1] & 0xFF;
            if (marker == 0xDA || marker == 0xD9) {
                return 1; // start of scan or end of image: no EXIF before the pixels
            }
            int length = u16(jpeg, pos + 2, true);
            if (length < 2 || pos + 2 + length > jpeg.length) {
                return 1;
            }
            if (marker == 0xE1 && length >= 8 && startsWithExif(jpeg, pos + 4)) {
                return tiffOrientation(jpeg, pos + 10, pos + 2 + length);
            }
            pos += 2 + length;
        }
        return 1;
    }

    private static boolean startsWithExif(byte[] b, int at) {
        return b[at] == 'E' && b[at + 1] == 'x' && b[at + 2] == 'i' && b[at + 3] == 'f' && b[at + 4] == 0
                && b[at + 5] == 0;
    }

    /** Reads tag 0x0112 from IFD0 of the TIFF structure in [start, end). */
    private static int tiffOrientation(byte[] b, int start, int end) {
        if (start + 8 > end) {
            return 1;
        }
        boolean bigEndian;
        if (b[start] == 'M' && b[start + 1] == 'M') {
            bigEndian = true;
        } else if (b[start] == 'I' && b[start + 1] == 'I') {
            bigEndian = false;
        } else {
            return 1;
        }
        long ifd = u32(b, start + 4, bigEndian);
        if (ifd < 8 || start + ifd + 2 > end) {
            return 1;
        }
        int at = (int) (start + ifd);
        int entries = Math.min(MAX_ENTRIES, u16(b, at, bigEndian));
        for (int e = 0; e < entries; e++) {
            int entry = at + 2 + 12 * e;
            if (entry + 12 > end) {
                return 1;
            }
            if (u16(b, entry, bigEndian) == ORIENTATION_TAG) {
                int type = u16(b, entry + 2, bigEndian);
                int value = type == 3 ? u16(b, entry + 8, bigEndian) : -1; // SHORT, stored in the value field
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    /** The picture turned upright as orientation {@code orientation} asks; the same image for 1. */
    static GreyImage apply(GreyImage image, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return image;
        }
        int w = image.width();
        int h = image.height();
        boolean swap = orientation >= 5;
        int outW = swap ? h : w;
        int outH = swap ? w : h;
        float[] out = new float[w * h];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                // Where the upright pixel (x, y) lies in the stored picture.
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }          // mirrored
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }  // upside down
                    case 4 -> { sx = x; sy = h - 1 - y; }          // mirrored upside down
                    case 5 -> { sx = y; sy = x; }                  // transposed
                    case 6 -> { sx = y; sy = h - 1 - x; }          // turned 90 degrees clockwise to view
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }  // transversed
                    default -> { sx = w - 1 - y; sy = x; }         // 8: turned 90 degrees anticlockwise to view
                }
                out[y * outW + x] = image.luminance()[sy * w + sx];
            }
        }
        return new GreyImage(outW, outH, out);
    }

    private static int u16(byte[] b, int at, boolean bigEndian) {
        int hi = b[bigEndian ? at : at + 1] & 0xFF;
        int lo = b[bigEndian ? at + 1 : at] & 0xFF;
        return hi << 8 | lo;
    }

    private static long u32(byte[] b, int at, boolean bigEndian) {
        long v = 0;
        for (int i = 0; i < 4; i++) {
            v = v << 8 | (b[bigEndian ? at + i : at + 3 - i] & 0xFF);
        }
        return v;
    }
}
