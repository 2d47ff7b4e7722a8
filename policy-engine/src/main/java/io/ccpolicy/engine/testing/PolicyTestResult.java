package io.ccpolicy.engine.testing;

import io.ccpolicy.engine.Decision;
import java.util.List;

/** How one case went: {@code failures} says what differed from the expectation (empty when it passed). */
public record PolicyTestResult(PolicyTestCase testCase, Decision decision, List<String> failures) {

    public boolean passed() {
        return failures.isEmpty();
    }
}
