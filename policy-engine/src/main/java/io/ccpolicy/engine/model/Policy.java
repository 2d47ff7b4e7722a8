package io.ccpolicy.engine.model;

import java.util.List;
import java.util.OptionalLong;
import com.google.re2j.Pattern;

/**
 * One validated policy. {@code values} is empty unless the type takes values; {@code pattern} is null unless the type
 * is pattern-deny; {@code max} is empty unless the type is limit. {@code tools} (globs over tool names) limits the
 * policy to some tools; empty means all. A limit warns from {@code warnAtPercent} of {@code max} on (100: only at the
 * limit); a session token limit counts the token kinds in {@code count} (of {@code SessionState.KINDS}).
 */
public record Policy(
        String name,
        String description,
        PolicyType type,
        Target target,
        List<String> values,
        Pattern pattern,
        OptionalLong max,
        Severity severity,
        String message,
        Mode mode,
        OnViolation onViolation,
        AppliesTo appliesTo,
        List<String> tools,
        int warnAtPercent,
        List<String> count) {

    /** A limit warns from this share of {@code max} on, before it acts at {@code max} as its severity says. */
    public static final int DEFAULT_WARN_AT_PERCENT = 80;

    public Policy {
        values = List.copyOf(values);
        tools = List.copyOf(tools);
        count = List.copyOf(count);
    }
}
