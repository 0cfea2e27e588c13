package io.digitflow.data;

import io.digitflow.UserException;

import java.io.IOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Bad, missing or unreachable MNIST data; the message reads "<file or URL>: <problem>". */
public class DataException extends UserException {

    public DataException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public DataException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }

    public DataException(URI url, String problem) {
        super(url + ": " + problem);
    }

    public DataException(URI url, String problem, Throwable cause) {
        super(url + ": " + problem, cause);
    }

    /** Wraps a failed read; the exception's own message repeats the path, so name only the kind. */
    static DataException unreadable(Path file, IOException e) {
        String problem;
        if (e instanceof NoSuchFileException) {
            problem = "not found";
        } else if (e instanceof AccessDeniedException) {
            problem = "permission denied";
        } else {
            problem = "cannot be read (" + e + ")";
        }
        return new DataException(file, problem, e);
    }
}
