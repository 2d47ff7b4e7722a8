package io.ccpolicy.engine.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.parse.PolicyParser;
import io.ccpolicy.engine.parse.TestSuiteParser;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Runs every case of the conformance corpus (src/test/resources/conformance) as its own test. */
class ConformanceCorpusTest {

    static Path corpus() throws URISyntaxException {
        return Path.of(ConformanceCorpusTest.class.getResource("/conformance").toURI());
    }

    static List<Path> testFiles() throws Exception {
        try (Stream<Path> files = Files.list(corpus())) {
            return files.filter(f -> f.toString().endsWith(".yaml")).filter(f -> !f.getFileName().toString().endsWith("-policy.yaml"))
                    .sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicContainer> corpusCases() throws Exception {
        List<DynamicContainer> files = new ArrayList<>();
        for (Path file : testFiles()) {
            PolicyTestSuite suite = TestSuiteParser.parse(file.getFileName().toString(), Files.readString(file));
            PolicyDocument document = load(file.resolveSibling(suite.policy()));
            List<DynamicTest> tests = PolicyTestRunner.run(document, suite).stream()
                    .map(result -> DynamicTest.dynamicTest(result.testCase().name(),
                            () -> assertThat(result.failures()).as("%s:%d %s", file.getFileName(), result.testCase().line(),
                                    result.testCase().name()).isEmpty()))
                    .toList();
            files.add(DynamicContainer.dynamicContainer(file.getFileName().toString(), tests));
        }
        return files.stream();
    }

    @Test
    void corpusHasAtLeastTwoHundredCases() throws Exception {
        int cases = 0;
        for (Path file : testFiles()) {
            cases += TestSuiteParser.parse(file.toString(), Files.readString(file)).cases().size();
        }
        assertThat(cases).isGreaterThanOrEqualTo(200);
    }

    static PolicyDocument load(Path policy) throws IOException {
        try {
            return PolicyParser.parse(policy.getFileName().toString(), Files.readString(policy));
        } catch (io.ccpolicy.engine.parse.PolicyValidationException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
