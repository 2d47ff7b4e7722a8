package io.ccpolicy.engine.model;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated policy document. {@code sha256} is the digest of its source text, {@code source} the name it was loaded
 * from; {@code claudeCode} holds the validated native managed settings of its optional {@code claude_code} section.
 */
public record PolicyDocument(
        String source,
        String sha256,
        String version,
        String organization,
        Optional<LocalDate> effectiveDate,
        Optional<LocalDate> lastUpdated,
        List<Policy> policies,
        AuditSettings audit,
        List<PolicyException> exceptions,
        Map<String, Object> claudeCode) {

    public PolicyDocument {
        policies = List.copyOf(policies);
        exceptions = List.copyOf(exceptions);
        claudeCode = Map.copyOf(claudeCode);
    }

    public Optional<Policy> policy(String name) {
        return policies.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
