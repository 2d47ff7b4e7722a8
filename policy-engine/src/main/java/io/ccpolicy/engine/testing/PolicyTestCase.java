package io.ccpolicy.engine.testing;

import io.ccpolicy.engine.DecisionRequest;
import io.ccpolicy.engine.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One case of a policy test file: a request, the time it happens, and what must come out. {@code exception} empty
 * means "not checked"; {@code noException} means the file said {@code exception: null} (no exception may apply).
 */
public record PolicyTestCase(String name, int line, DecisionRequest request, Instant now, Verdict expectedDecision,
        List<String> expectedPolicies, Optional<String> exception, boolean noException, Optional<Verdict> expectedWouldBe,
        List<String> messageContains) {
}
