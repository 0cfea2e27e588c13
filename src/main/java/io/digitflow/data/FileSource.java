package io.digitflow.data;

import java.nio.file.Path;

/** Where the MNIST files come from: a folder the user names, or the download cache. */
interface FileSource {

    /** A file found (or fetched) by its standard name, and the SHA-256 of its stored bytes. */
    record SourcedFile(Path path, String sha256) {
    }

    /** Finds or fetches the file with this standard name; throws DataException when it cannot. */
    SourcedFile resolve(String fileName);

    /** The folder or mirror, for reports. */
    String describe();
}
