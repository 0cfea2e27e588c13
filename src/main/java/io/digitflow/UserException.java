package io.digitflow;

/**
 * A problem the user can fix: bad data, a wrong path, an artifact of another architecture.
 * The command line prints its message as one line, with no stack trace, and exits non-zero;
 * the message names the file or setting and the problem.
 */
public class UserException extends RuntimeException {

    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
