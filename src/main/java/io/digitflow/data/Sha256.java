package io.digitflow.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/** SHA-256 of a file as stored (for reports) and of its content once un-gzipped (for verification). */
final class Sha256 {

    /** Hex digests of the stored bytes and of the content; the same for a file that is not gzip. */
    private record Digests(String stored, String content) {
    }

    private Sha256() {
    }

    /**
     * Checks that the file's content has the expected SHA-256 and returns the SHA-256 of its stored bytes.
     * {@code failure} turns a problem into the exception, naming the file or URL the user knows about.
     */
    static String verify(Path file, String expectedContent, Function<String, DataException> failure, String advice) {
        Digests digests;
        try {
            digests = of(file);
        } catch (IOException e) {
            // A gzip CRC error or cut-off stream: the content cannot be what we expect.
            throw failure.apply("content SHA-256 cannot be computed (" + e.getMessage() + "), expected "
                    + expectedContent + "; " + advice);
        }
        if (!digests.content().equals(expectedContent)) {
            throw failure.apply("content SHA-256 is " + digests.content() + ", expected " + expectedContent + "; "
                    + advice);
        }
        return digests.stored();
    }

    /** SHA-256 of the stored bytes only. */
    static String stored(Path file) {
        MessageDigest digest = newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw DataException.unreadable(file, e);
        }
        return hex(digest);
    }

    /** Both digests in one read. Throws IOException when gzip data is corrupt, DataException when unreadable. */
    private static Digests of(Path file) throws IOException {
        MessageDigest stored = newDigest();
        InputStream raw;
        try {
            raw = Files.newInputStream(file);
        } catch (IOException e) {
            throw DataException.unreadable(file, e);
        }
        // The digest sits below the buffer so bytes re-read after the gzip sniff's reset count once.
        try (BufferedInputStream buffered = new BufferedInputStream(new DigestInputStream(raw, stored), 1 << 16)) {
            if (!IdxReader.isGzip(buffered)) {
                buffered.transferTo(OutputStream.nullOutputStream());
                String hex = hex(stored);
                return new Digests(hex, hex);
            }
            MessageDigest unzipped = newDigest();
            new DigestInputStream(new GZIPInputStream(buffered), unzipped)
                    .transferTo(OutputStream.nullOutputStream());
            buffered.transferTo(OutputStream.nullOutputStream()); // bytes after the gzip member, if any
            return new Digests(hex(stored), hex(unzipped));
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime must provide SHA-256", e);
        }
    }

    private static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }
}
