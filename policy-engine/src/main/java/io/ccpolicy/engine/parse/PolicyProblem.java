package io.ccpolicy.engine.parse;

/**
 * One thing wrong with a policy document, located: {@code file:line:column: policies[i] (name): what is wrong}.
 * Line and column are 1-based; {@code where} is the path in the document ("policies[2] (approved-paths)", "audit").
 */
public record PolicyProblem(String source, int line, int column, String where, String message) {

    @Override
    public String toString() {
        return source + ":" + line + ":" + column + ": " + (where.isEmpty() ? "" : where + ": ") + message;
    }
}
