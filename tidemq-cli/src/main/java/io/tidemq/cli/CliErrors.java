package io.tidemq.cli;

import io.tidemq.client.ClientException;
import io.tidemq.client.RequestFailedException;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.names.InvalidNameException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * How a failed command ends: a failure the user can act on (a server unreachable, a topic unknown, a bad
 * config value) prints {@code error: <message>} and exits 1; anything else also prints its stack trace,
 * because it is a bug. Usage errors exit 2 (see {@link UsageErrors}).
 */
final class CliErrors implements CommandLine.IExecutionExceptionHandler {

    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (e instanceof InvalidNameException || e.getCause() instanceof InvalidNameException) {
            // a topic, group or tag name the user typed: a usage error wherever it is found, as in admin commands
            // (the SDK reports it as an InvalidArgumentException caused by the InvalidNameException)
            err.println("error: " + e.getMessage());
            err.println(UsageErrors.helpHint(cl));
            err.flush();
            return EXIT_USAGE;
        }
        err.println("error: " + describe(e));
        if (!isUserFacing(e)) {
            e.printStackTrace(err);
        }
        err.flush();
        return EXIT_FAILURE;
    }

    /**
     * The message, with the cause's when the exception only wraps it. A server's refusal reads as its remark: the
     * wire code ("INVALID_PARAMETER(4)") means nothing to the user.
     */
    static String describe(Throwable e) {
        if (e instanceof RequestFailedException r && r.getMessage() != null) {
            return r.getMessage().replace(" failed with " + ResponseCode.describe(r.code()) + ": ", " failed: ");
        }
        String message = e.getMessage();
        if ((message == null || message.isBlank()) && e.getCause() != null) {
            return describe(e.getCause());
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    /**
     * Exceptions whose message is the whole story: every TideMQ exception (SDK errors, config errors, bind
     * failures, store errors), argument and state errors (config validation throws those), and I/O errors.
     */
    static boolean isUserFacing(Throwable e) {
        return e instanceof ClientException
                || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException
                || e instanceof UncheckedIOException
                || e instanceof java.io.IOException
                || e.getClass().getName().startsWith("io.tidemq.");
    }

    /** Usage errors: the message, a pointer to --help, exit 2. */
    static final class UsageErrors implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException e, String[] args) {
            CommandLine cl = e.getCommandLine();
            PrintWriter err = cl.getErr();
            err.println("error: " + withoutErrorPrefix(e.getMessage()));
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
                err.println(helpHint(cl));
            }
            err.flush();
            return EXIT_USAGE;
        }

        static String helpHint(CommandLine cl) {
            return "Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.";
        }

        /** Some picocli messages (argument groups) start with their own "Error: ", which would read "error: Error:". */
        static String withoutErrorPrefix(String message) {
            return message != null && message.startsWith("Error: ") ? message.substring("Error: ".length()) : message;
        }
    }
}
