package io.digitflow.input;

import java.util.Objects;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * A record's bytes as the stream an image reader reads, which refuses to be read past its end more than a few
 * times. TwelveMonkeys' WebP bit reader takes an end of stream for more zero bits and decodes on: a lossless WebP
 * whose prefix codes point past its end (one byte changed in a 300-byte digit, found by the fuzz tests) is read
 * past its end once per pixel, each time costing an exception, and comes out as a picture made up of those zeros.
 * An honest picture meets its end a few times at most (a reader looking ahead for a whole word).
 */
final class RecordImageStream extends ImageInputStreamImpl {

    /** Honest pictures meet their end up to 14 times (lossless WebP's look-ahead, measured on the fixtures). */
    static final int MAX_READS_PAST_END = 64;

    private final byte[] bytes;
    private int readsPastEnd;

    RecordImageStream(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public int read() {
        bitOffset = 0;
        if (streamPos >= bytes.length) {
            return pastTheEnd();
        }
        return bytes[(int) streamPos++] & 0xFF;
    }

    @Override
    public int read(byte[] into, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, into.length);
        bitOffset = 0;
        if (length == 0) {
            return 0;
        }
        if (streamPos >= bytes.length) {
            return pastTheEnd();
        }
        int n = (int) Math.min(length, bytes.length - streamPos);
        System.arraycopy(bytes, (int) streamPos, into, offset, n);
        streamPos += n;
        return n;
    }

    @Override
    public long length() {
        return bytes.length;
    }

    private int pastTheEnd() {
        if (++readsPastEnd > MAX_READS_PAST_END) {
            // Unchecked, so that a reader which takes an EOFException for more data cannot swallow it.
            throw new EndOfRecordException();
        }
        return -1;
    }

    /** The picture's data ended long before its pixels did: they would be made up. */
    static final class EndOfRecordException extends RuntimeException {
        EndOfRecordException() {
            super("the picture's data ends before its pixels do (read past its end " + MAX_READS_PAST_END
                    + " times)", null, false, false);
        }
    }
}
