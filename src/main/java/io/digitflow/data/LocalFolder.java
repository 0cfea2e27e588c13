package io.digitflow.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The MNIST files in a folder the user points at, each under its .gz name or un-gzipped without .gz. */
final class LocalFolder implements FileSource {

    private final Path dir;
    private final Map<String, String> expectedContentSha256;

    LocalFolder(Path dir, Map<String, String> expectedContentSha256) {
        this.dir = dir;
        this.expectedContentSha256 = expectedContentSha256;
    }

    @Override
    public SourcedFile resolve(String fileName) {
        if (!Files.isDirectory(dir)) {
            throw new DataException(dir, Files.exists(dir) ? "is not a folder; point the data setting at the folder "
                    + "holding the four MNIST files" : "data folder does not exist");
        }
        Path gz = dir.resolve(fileName);
        if (Files.isRegularFile(gz)) {
            // A file under the official name claims to be that file. Other content is a different
            // dataset, and training on it unnoticed would make every result incomparable.
            String sha256 = Sha256.verify(gz, expectedContentSha256.get(fileName),
                    problem -> new DataException(gz, problem),
                    "this is not the MNIST file of that name (another dataset or a damaged copy)");
            return new SourcedFile(gz, sha256);
        }
        Path raw = dir.resolve(MnistFiles.unzippedName(fileName));
        if (Files.isRegularFile(raw)) {
            // Un-gzipped files are the user's own preparation, possibly on purpose (a cleaned or
            // relabelled MNIST): their hashes are recorded so a model still names its data, not enforced.
            return new SourcedFile(raw, Sha256.stored(raw));
        }
        throw new DataException(gz, "not found (nor " + raw.getFileName() + ", its un-gzipped form)");
    }

    @Override
    public String describe() {
        return dir.toString();
    }
}
