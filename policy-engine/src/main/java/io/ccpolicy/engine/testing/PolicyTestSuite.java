package io.ccpolicy.engine.testing;

import java.util.List;

/** A parsed policy test file: the policy it tests (a path relative to the file) and its cases. */
public record PolicyTestSuite(String source, String policy, List<PolicyTestCase> cases) {
}
