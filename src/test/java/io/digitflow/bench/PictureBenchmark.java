package io.digitflow.bench;

import io.digitflow.input.DecodeLimits;
import io.digitflow.input.ImageDecoder;
import io.digitflow.input.InvalidInputException;
import io.digitflow.support.PhotoDigits;
import io.digitflow.support.Pictures;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Cost per picture of the picture path: decoding a photo-like PNG or JPEG ({@link PhotoDigits}, a "7"-like
 * stroke drawn at 8x MNIST size, about 300x300 pixels), or the same picture as a CMYK JPEG, and preparing it
 * MNIST-style. Microseconds per picture.
 * {@code mvn -Pbench test-compile exec:exec -Dbench=PictureBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PictureBenchmark {

    @Param({"png", "jpeg", "cmyk-jpeg"})
    String format;

    private final ImageDecoder decoder = new ImageDecoder(DecodeLimits.DEFAULTS);
    private byte[] picture;

    @Setup
    public void setUp() {
        byte[] digit = new byte[784];
        for (int x = 6; x < 22; x++) {
            digit[5 * 28 + x] = (byte) 255;
            digit[6 * 28 + x] = (byte) 255;
        }
        for (int y = 5; y < 24; y++) {
            int x = 21 - (y - 5) / 3;
            digit[y * 28 + x] = (byte) 255;
            digit[y * 28 + x - 1] = (byte) 255;
        }
        PhotoDigits photos = new PhotoDigits(3);
        boolean jpeg = !format.equals("png");
        PhotoDigits.Photo photo = photos.render(digit, jpeg);
        for (int tries = 0; tries < 100 && photo.condition().scale() < 7; tries++) {
            photo = photos.render(digit, jpeg); // near the benchmark's upper size
        }
        picture = format.equals("cmyk-jpeg")
                ? Pictures.cmykJpeg(photo.image(), false, photo.condition().quality() / 100f)
                : photo.bytes();
    }

    @Benchmark
    public byte[] decodeAndPrepare() throws InvalidInputException {
        return decoder.decode(picture, null).pixels();
    }
}
