package io.ccpolicy.agent.cli;

import io.ccpolicy.engine.model.PolicyDocument;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** {@code validate FILE...}: exit 0 when every document is valid, otherwise every problem and exit 1. */
public final class ValidateCommand {

    private ValidateCommand() {
    }

    public static int run(List<String> argv, PrintStream out, PrintStream err) throws UsageException {
        Args args = Args.parse(argv, "validate");
        if (args.positionals().isEmpty()) {
            throw new UsageException("validate needs a policy file");
        }
        int exit = 0;
        for (String file : args.positionals()) {
            try {
                PolicyDocument doc = PolicyFiles.load(Path.of(file), err);
                out.println(file + ": valid (" + doc.organization() + ", " + doc.policies().size() + " policies, "
                        + doc.exceptions().size() + " exceptions, sha256 " + doc.sha256().substring(0, 12) + ")");
            } catch (PolicyFiles.Reported e) {
                exit = e.exitCode();
            }
        }
        return exit;
    }
}
