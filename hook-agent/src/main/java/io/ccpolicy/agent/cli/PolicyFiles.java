package io.ccpolicy.agent.cli;

import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.parse.PolicyParser;
import io.ccpolicy.engine.parse.PolicyProblem;
import io.ccpolicy.engine.parse.PolicyValidationException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads files for the CLI and turns every failure into a located, readable message instead of a stack trace. */
public final class PolicyFiles {

    /** A failure already reported to the user; the command exits with {@link #exitCode}. */
    public static final class Reported extends Exception {
        private final int exitCode;

        public Reported(int exitCode) {
            super(null, null, false, false);
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private PolicyFiles() {
    }

    public static String read(Path file, PrintStream err) throws Reported {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            err.println(file + ": no such file");
        } catch (MalformedInputException e) {
            err.println(file + ": not UTF-8 text");
        } catch (IOException e) {
            err.println(file + ": cannot be read (" + e.getMessage() + ")");
        }
        throw new Reported(1);
    }

    public static PolicyDocument load(Path file, PrintStream err) throws Reported {
        String text = read(file, err);
        try {
            return PolicyParser.parse(file.toString(), text);
        } catch (PolicyValidationException e) {
            for (PolicyProblem problem : e.problems()) {
                err.println(problem);
            }
            err.println(file + ": " + e.problems().size() + " problem(s); the document was not loaded");
            throw new Reported(1);
        }
    }
}
