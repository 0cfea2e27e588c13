package io.digitflow.stream;

import com.fasterxml.jackson.core.io.schubfach.FloatToDecimal;

import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * Writes a float as the shortest decimal that reads back as the same float, straight into a byte array,
 * allocating nothing. A prediction has eleven floats and the service writes tens of thousands of
 * predictions a second: Jackson's Schubfach writer, which builds a {@code String} and an object per float,
 * was the largest single cost of the record path.
 *
 * <p>How: scaled to nine significant digits, the multiples of 10, 100, … nearest to the float (and, where
 * the float's rounding interval is lopsided, their other neighbours) are tested against that interval,
 * whose ends (the midpoints to the neighbouring floats) are exact doubles; the coarsest that is inside
 * is the shortest form, the nearest of them the one written. The test runs in doubles scaled by a
 * power of ten, good to a few parts in 10¹⁶; a candidate within 10⁻⁶ of a unit of an end is not
 * decided that way and the float goes to Jackson's exact writer instead (about one float in 10⁸). Nine
 * digits always suffice for a float, so the loop ends.
 */
final class ShortestFloat {

    /** The most bytes {@link #write} writes: sign, nine digits, point, "E-45". */
    static final int MAX_BYTES = 16;
    /** Powers of ten as the nearest doubles (Java's literal parsing is correctly rounded), 10^-POW_OFFSET … */
    private static final int POW_OFFSET = 60;
    private static final double[] POW10 = new double[2 * POW_OFFSET + 1];
    private static final int[] INT_POW10 = new int[10];
    private static final double[] INVERSE_POW10 = new double[10];
    /** How far from an interval end, in units of the last digit, a candidate must be to be decided in doubles. */
    private static final double MARGIN = 1e-6;
    private static final byte[] NAN = "\"NaN\"".getBytes(US_ASCII);
    private static final byte[] INFINITY = "\"Infinity\"".getBytes(US_ASCII);
    private static final byte[] MINUS_INFINITY = "\"-Infinity\"".getBytes(US_ASCII);

    static {
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = Double.parseDouble("1e" + (i - POW_OFFSET));
        }
        int p = 1;
        for (int i = 0; i < INT_POW10.length; i++) {
            INT_POW10[i] = p;
            INVERSE_POW10[i] = 1.0 / p;
            p *= 10;
        }
    }

    private ShortestFloat() {
    }

    /**
     * Writes {@code value} at {@code at}; returns the index after it. Non-finite values are written as Jackson
     * writes them by default (a JSON string), so the output stays JSON whatever a model computes.
     */
    static int write(float value, byte[] out, int at) {
        if (Float.isNaN(value)) {
            return copy(NAN, out, at);
        }
        if (Float.isInfinite(value)) {
            return copy(value > 0 ? INFINITY : MINUS_INFINITY, out, at);
        }
        if (value == 0) {
            if (Float.floatToRawIntBits(value) != 0) {
                out[at++] = '-';
            }
            out[at++] = '0';
            out[at++] = '.';
            out[at++] = '0';
            return at;
        }
        if (value < 0) {
            out[at++] = '-';
            value = -value;
        }
        double x = value;
        // The float's rounding interval: every real in it reads back as this float.
        double lo = (x + Math.nextDown(value)) / 2;
        double hi = Float.isInfinite(Math.nextUp(value)) ? x + (x - lo) : (x + Math.nextUp(value)) / 2;
        int e10 = decimalExponent(x);
        int k = 8 - e10; // x × 10^k has nine digits before the point
        double scale = POW10[k + POW_OFFSET];
        double scaled = x * scale;
        double low = lo * scale;
        double high = hi * scale;
        // Nine digits always read back (the interval is more than four units wide at this scale); a multiple of
        // 10^j in the interval means 9 - j digits do, and if one of 10^j is in, one of 10^(j-1) is too: so
        // the shortest is found going up from j = 0 to the first power whose multiples all miss.
        int best = (int) (scaled + 0.5); // j = 0: the nearest integer is always inside
        int bestPower = 0;
        for (int j = 1; j <= 9; j++) {
            int unit = INT_POW10[j];
            // Nearest up to the doubles' error: the candidate is tested, not trusted.
            int nearest = (int) (scaled * INVERSE_POW10[j] + 0.5) * unit;
            int verdict = inside(nearest, low, high);
            int candidate = nearest;
            if (verdict == 0) {
                candidate = nearest <= scaled ? nearest + unit : nearest - unit;
                verdict = inside(candidate, low, high);
            }
            if (verdict < 0) {
                return copy(FloatToDecimal.toString(value).getBytes(US_ASCII), out, at);
            }
            if (verdict == 0) {
                break;
            }
            best = candidate;
            bestPower = j;
        }
        if (inside(best, low, high) <= 0) {
            // Unreachable for a finite float (nine digits always read back); Jackson's writer as a safeguard.
            return copy(FloatToDecimal.toString(value).getBytes(US_ASCII), out, at);
        }
        return digits(best / INT_POW10[bestPower], bestPower - k, out, at);
    }

    /** 1 when {@code d} is inside [low, high], 0 when outside, -1 when too close to an end to tell in doubles. */
    private static int inside(int d, double low, double high) {
        if (d <= 0) {
            return 0;
        }
        double lowGap = d - low;
        double highGap = high - d;
        if (Math.abs(lowGap) <= MARGIN || Math.abs(highGap) <= MARGIN) {
            // Whether it is in depends on digits the doubles do not hold (and, exactly at an end, on
            // the round-half-even rule): Jackson's exact writer decides.
            return -1;
        }
        return lowGap > 0 && highGap > 0 ? 1 : 0;
    }

    /** floor(log10(x)) for a positive finite double. */
    private static int decimalExponent(double x) {
        int e = (int) Math.floor(Math.getExponent(x) * 0.30102999566398120);
        // The estimate is off by at most one either way.
        if (x >= POW10[e + 1 + POW_OFFSET]) {
            e++;
        } else if (x < POW10[e + POW_OFFSET]) {
            e--;
        }
        return e;
    }

    /**
     * Writes {@code digits} × 10^{@code exponent}: plainly for values from 10⁻³ to below 10⁷, else as
     * {@code d.dddE±x}, the forms Java and Jackson use.
     */
    private static int digits(int digits, int exponent, byte[] out, int at) {
        while (digits % 10 == 0) {
            digits /= 10;
            exponent++;
        }
        int count = count(digits);
        int pointAt = count + exponent; // digits before the decimal point
        if (pointAt >= -2 && pointAt <= 7) {
            if (pointAt <= 0) {
                out[at++] = '0';
                out[at++] = '.';
                for (int i = 0; i < -pointAt; i++) {
                    out[at++] = '0';
                }
                return writeDigits(digits, count, out, at);
            }
            if (pointAt >= count) {
                at = writeDigits(digits, count, out, at);
                for (int i = count; i < pointAt; i++) {
                    out[at++] = '0';
                }
                out[at++] = '.';
                out[at++] = '0';
                return at;
            }
            int high = digits / INT_POW10[count - pointAt];
            int low = digits % INT_POW10[count - pointAt];
            at = writeDigits(high, pointAt, out, at);
            out[at++] = '.';
            return writeDigits(low, count - pointAt, out, at);
        }
        int first = digits / INT_POW10[count - 1];
        out[at++] = (byte) ('0' + first);
        out[at++] = '.';
        if (count == 1) {
            out[at++] = '0';
        } else {
            at = writeDigits(digits % INT_POW10[count - 1], count - 1, out, at);
        }
        out[at++] = 'E';
        int e = pointAt - 1;
        if (e < 0) {
            out[at++] = '-';
            e = -e;
        }
        if (e >= 10) {
            out[at++] = (byte) ('0' + e / 10);
        }
        out[at++] = (byte) ('0' + e % 10);
        return at;
    }

    private static int count(int digits) {
        int count = 1;
        while (count < INT_POW10.length && digits >= INT_POW10[count]) {
            count++;
        }
        return count;
    }

    /** Writes {@code value} as exactly {@code width} digits, zero-padded on the left. */
    private static int writeDigits(int value, int width, byte[] out, int at) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at + width;
    }

    private static int copy(byte[] bytes, byte[] out, int at) {
        System.arraycopy(bytes, 0, out, at, bytes.length);
        return at + bytes.length;
    }
}
