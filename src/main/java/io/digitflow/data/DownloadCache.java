package io.digitflow.data;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** MNIST files kept in a cache folder, each downloaded from the mirror the first time it is needed. */
final class DownloadCache implements FileSource {

    private final URI mirror;
    private final Path dir;
    private final Downloader downloader;
    private final Map<String, String> expectedContentSha256;

    DownloadCache(URI mirror, Path dir, Downloader downloader, Map<String, String> expectedContentSha256) {
        // URI.resolve drops the last path segment of a base without a trailing slash.
        this.mirror = mirror.toString().endsWith("/") ? mirror : URI.create(mirror + "/");
        this.dir = dir;
        this.downloader = downloader;
        this.expectedContentSha256 = expectedContentSha256;
    }

    @Override
    public SourcedFile resolve(String fileName) {
        Path file = dir.resolve(fileName);
        String expected = expectedContentSha256.get(fileName);
        if (Files.isRegularFile(file)) {
            // Only verified downloads are moved in, so a mismatch means the file changed later (a disk
            // fault, a person). We refuse rather than silently re-download so that it gets noticed.
            String sha256 = Sha256.verify(file, expected, problem -> new DataException(file, problem),
                    "the cached copy is damaged: delete it and run again to download it afresh");
            return new SourcedFile(file, sha256);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DataException(dir, "cannot create the download cache (" + e + ")", e);
        }
        return new SourcedFile(file, downloader.download(mirror.resolve(fileName), file, expected));
    }

    @Override
    public String describe() {
        return mirror + " (cached in " + dir + ")";
    }
}
