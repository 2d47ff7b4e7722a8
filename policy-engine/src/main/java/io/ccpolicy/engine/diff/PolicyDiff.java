package io.ccpolicy.engine.diff;

import io.ccpolicy.engine.model.Policy;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.model.PolicyException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A semantic diff of two policy documents: policies and exceptions added, removed and changed field by field (values
 * added and removed, not reordered lists), audit and native settings changes. Formatting and comments do not count.
 */
public final class PolicyDiff {

    /** One difference; {@code subject} is "policy approved-paths", "exception legacy-deploys", "audit", ... */
    public record Change(Kind kind, String subject, String detail) {

        @Override
        public String toString() {
            return switch (kind) {
                case ADDED -> "+ " + subject + (detail.isEmpty() ? "" : ": " + detail);
                case REMOVED -> "- " + subject + (detail.isEmpty() ? "" : ": " + detail);
                case CHANGED -> "~ " + subject + ": " + detail;
            };
        }
    }

    public enum Kind { ADDED, REMOVED, CHANGED }

    private PolicyDiff() {
    }

    public static List<Change> between(PolicyDocument before, PolicyDocument after) {
        List<Change> changes = new ArrayList<>();
        field(changes, "document", "organization", before.organization(), after.organization());
        field(changes, "document", "version", before.version(), after.version());
        field(changes, "document", "effective_date", before.effectiveDate().orElse(null), after.effectiveDate().orElse(null));
        Map<String, Policy> old = before.policies().stream().collect(Collectors.toMap(Policy::name, p -> p));
        Map<String, Policy> now = after.policies().stream().collect(Collectors.toMap(Policy::name, p -> p));
        for (Policy p : after.policies()) {
            if (!old.containsKey(p.name())) {
                changes.add(new Change(Kind.ADDED, "policy " + p.name(), summary(p)));
            }
        }
        for (Policy p : before.policies()) {
            if (!now.containsKey(p.name())) {
                changes.add(new Change(Kind.REMOVED, "policy " + p.name(), summary(p)));
            } else {
                policy(changes, p, now.get(p.name()));
            }
        }
        Map<String, PolicyException> oldExceptions = before.exceptions().stream().collect(Collectors.toMap(PolicyException::id, e -> e));
        Map<String, PolicyException> newExceptions = after.exceptions().stream().collect(Collectors.toMap(PolicyException::id, e -> e));
        for (PolicyException e : after.exceptions()) {
            PolicyException was = oldExceptions.get(e.id());
            if (was == null) {
                changes.add(new Change(Kind.ADDED, "exception " + e.id(), describe(e)));
            } else if (!was.equals(e)) {
                changes.add(new Change(Kind.CHANGED, "exception " + e.id(), describe(was) + " -> " + describe(e)));
            }
        }
        for (PolicyException e : before.exceptions()) {
            if (!newExceptions.containsKey(e.id())) {
                changes.add(new Change(Kind.REMOVED, "exception " + e.id(), describe(e)));
            }
        }
        if (!before.audit().equals(after.audit())) {
            changes.add(new Change(Kind.CHANGED, "audit", before.audit() + " -> " + after.audit()));
        }
        Set<String> keys = new LinkedHashSet<>(before.claudeCode().keySet());
        keys.addAll(after.claudeCode().keySet());
        for (String key : keys) {
            field(changes, "claude_code", key, before.claudeCode().get(key), after.claudeCode().get(key));
        }
        return changes;
    }

    private static void policy(List<Change> changes, Policy a, Policy b) {
        String subject = "policy " + a.name();
        field(changes, subject, "type", a.type().yaml(), b.type().yaml());
        field(changes, subject, "target", a.target().yaml(), b.target().yaml());
        list(changes, subject, "values", a.values(), b.values());
        field(changes, subject, "pattern", a.pattern() == null ? null : a.pattern().pattern(), b.pattern() == null ? null : b.pattern().pattern());
        field(changes, subject, "max", a.max().isPresent() ? a.max().getAsLong() : null, b.max().isPresent() ? b.max().getAsLong() : null);
        field(changes, subject, "severity", a.severity().yaml(), b.severity().yaml());
        field(changes, subject, "mode", a.mode().yaml(), b.mode().yaml());
        field(changes, subject, "on_violation", a.onViolation().yaml(), b.onViolation().yaml());
        field(changes, subject, "message", a.message(), b.message());
        list(changes, subject, "applies_to.teams", a.appliesTo().teams(), b.appliesTo().teams());
        list(changes, subject, "applies_to.projects", a.appliesTo().projects(), b.appliesTo().projects());
        list(changes, subject, "applies_to.users", a.appliesTo().users(), b.appliesTo().users());
        list(changes, subject, "tools", a.tools(), b.tools());
    }

    private static void field(List<Change> changes, String subject, String name, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            changes.add(new Change(Kind.CHANGED, subject, name + " " + show(before) + " -> " + show(after)));
        }
    }

    private static void list(List<Change> changes, String subject, String name, List<String> before, List<String> after) {
        List<String> added = after.stream().filter(v -> !before.contains(v)).toList();
        List<String> removed = before.stream().filter(v -> !after.contains(v)).toList();
        if (!added.isEmpty() || !removed.isEmpty()) {
            List<String> parts = new ArrayList<>();
            if (!added.isEmpty()) {
                parts.add("added " + added);
            }
            if (!removed.isEmpty()) {
                parts.add("removed " + removed);
            }
            changes.add(new Change(Kind.CHANGED, subject, name + " " + String.join(", ", parts)));
        }
    }

    private static String show(Object value) {
        return value == null ? "(none)" : value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    }

    private static String summary(Policy p) {
        return p.type().yaml() + " on " + p.target().yaml() + ", " + p.severity().yaml() + ", " + p.mode().yaml();
    }

    private static String describe(PolicyException e) {
        Function<PolicyException, String> expiry = x -> x.expires().map(Object::toString).orElse("never");
        return e.describe() + " exempt from " + e.exemptFrom() + ", expires " + expiry.apply(e) + ", approved by " + e.approvedBy();
    }
}
