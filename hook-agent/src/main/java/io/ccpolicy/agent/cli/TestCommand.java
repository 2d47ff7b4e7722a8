package io.ccpolicy.agent.cli;

import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.parse.PolicyProblem;
import io.ccpolicy.engine.parse.PolicyValidationException;
import io.ccpolicy.engine.parse.TestSuiteParser;
import io.ccpolicy.engine.testing.PolicyTestResult;
import io.ccpolicy.engine.testing.PolicyTestRunner;
import io.ccpolicy.engine.testing.PolicyTestSuite;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code test FILE... [--junit DIR]}: runs policy test files, one line per case, {@code N passed, N failed} last; exit 1
 * on any failure or any file that cannot be used. {@code --junit} writes one JUnit XML report per file for CI systems.
 */
public final class TestCommand {

    private TestCommand() {
    }

    public static int run(List<String> argv, PrintStream out, PrintStream err) throws UsageException {
        Args args = Args.parse(argv, "test");
        if (args.positionals().isEmpty()) {
            throw new UsageException("test needs at least one test file");
        }
        int passed = 0;
        int failed = 0;
        boolean broken = false;
        for (String name : args.positionals()) {
            Path file = Path.of(name);
            try {
                PolicyTestSuite suite = suite(file, err);
                Path policyFile = (file.toAbsolutePath().getParent() == null ? Path.of(".") : file.toAbsolutePath().getParent())
                        .resolve(suite.policy()).normalize();
                PolicyDocument document = PolicyFiles.load(policyFile, err);
                List<PolicyTestResult> results;
                try (Progress progress = Progress.of(err, "testing " + file)) {
                    results = PolicyTestRunner.run(document, suite, done -> progress.update(done, suite.cases().size()));
                }
                for (PolicyTestResult result : results) {
                    if (result.passed()) {
                        passed++;
                        out.println("PASS " + file + ":" + result.testCase().line() + " " + result.testCase().name());
                    } else {
                        failed++;
                        out.println("FAIL " + file + ":" + result.testCase().line() + " " + result.testCase().name());
                        result.failures().forEach(f -> out.println("     " + f.replace("\n", "\n     ")));
                    }
                }
                if (args.option("junit").isPresent()) {
                    JunitReport.write(Path.of(args.option("junit").get()), file, results);
                }
            } catch (PolicyFiles.Reported e) {
                broken = true;
            } catch (IOException e) {
                err.println("cannot write the JUnit report: " + e.getMessage());
                broken = true;
            }
        }
        out.println(passed + " passed, " + failed + " failed" + (broken ? " (some files could not be run, see above)" : ""));
        return failed > 0 || broken ? 1 : 0;
    }

    private static PolicyTestSuite suite(Path file, PrintStream err) throws PolicyFiles.Reported {
        String text = PolicyFiles.read(file, err);
        try {
            return TestSuiteParser.parse(file.toString(), text);
        } catch (PolicyValidationException e) {
            e.problems().stream().map(PolicyProblem::toString).forEach(err::println);
            throw new PolicyFiles.Reported(1);
        }
    }

    /** JUnit XML as CI systems read it: one testsuite per file, one testcase per case. */
    static final class JunitReport {
        private JunitReport() {
        }

        static void write(Path dir, Path file, List<PolicyTestResult> results) throws IOException {
            Files.createDirectories(dir);
            long failures = results.stream().filter(r -> !r.passed()).count();
            List<String> lines = new ArrayList<>();
            lines.add("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
            lines.add("<testsuite name=\"" + xml(file.toString()) + "\" tests=\"" + results.size() + "\" failures=\"" + failures
                    + "\" errors=\"0\" skipped=\"0\">");
            for (PolicyTestResult r : results) {
                String head = "  <testcase classname=\"" + xml(file.toString()) + "\" name=\"" + xml(r.testCase().name()) + "\"";
                if (r.passed()) {
                    lines.add(head + "/>");
                } else {
                    lines.add(head + ">");
                    lines.add("    <failure message=\"" + xml(r.failures().get(0).lines().findFirst().orElse("")) + "\">"
                            + xml(String.join("\n", r.failures())) + "</failure>");
                    lines.add("  </testcase>");
                }
            }
            lines.add("</testsuite>");
            String reportName = "TEST-" + file.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_") + ".xml";
            Files.write(dir.resolve(reportName), lines);
        }

        static String xml(String text) {
            StringBuilder out = new StringBuilder();
            for (char c : text.toCharArray()) {
                switch (c) {
                    case '<' -> out.append("&lt;");
                    case '>' -> out.append("&gt;");
                    case '&' -> out.append("&amp;");
                    case '"' -> out.append("&quot;");
                    default -> {
                        if (c >= 0x20 || c == '\n' || c == '\t') {
                            out.append(c);
                        }
                    }
                }
            }
            return out.toString();
        }
    }
}
