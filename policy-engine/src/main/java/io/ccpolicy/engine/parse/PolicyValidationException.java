package io.ccpolicy.engine.parse;

import java.util.List;
import java.util.stream.Collectors;

/** A document that must not load, with every problem found in it, in document order. */
public class PolicyValidationException extends Exception {

    private final transient List<PolicyProblem> problems;

    public PolicyValidationException(List<PolicyProblem> problems) {
        super(problems.size() + " problem(s):\n" + problems.stream().map(PolicyProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<PolicyProblem> problems() {
        return problems;
    }
}
