package io.digitflow.cli;

import io.digitflow.UserException;
import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import picocli.CommandLine;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Shapes how the command line reports failures: one line for user errors, a trace for bugs. */
@ApplicationScoped
class CommandLineSetup {

    /** Exit code of a command stopped by bad input, data or configuration. */
    static final int USER_ERROR = 1;

    @Produces
    CommandLine commandLine(PicocliCommandLineFactory factory) {
        return factory.create().setExecutionExceptionHandler((e, cmd, parseResult) -> {
            String problem = userFacing(e);
            if (problem == null) {
                throw e;
            }
            // System.err as it is now (tests capture it per launch), not the writer picocli took at start-up.
            System.err.println("digitflow " + cmd.getCommandName() + ": " + problem);
            return e instanceof io.digitflow.StartupFailure ? io.digitflow.StartupFailure.EXIT_STATUS : USER_ERROR;
        });
    }

    /** The one-line message for a problem the user can fix, or null for a bug. */
    private static String userFacing(Exception e) {
        if (e instanceof UserException) {
            return e.getMessage();
        }
        if (e instanceof IOException || e instanceof UncheckedIOException) {
            return e.getMessage();
        }
        return null;
    }
}
