package io.ccpolicy.engine.eval;

import io.ccpolicy.engine.Decision;
import io.ccpolicy.engine.DecisionRequest;
import io.ccpolicy.engine.PolicyMatch;
import io.ccpolicy.engine.Verdict;
import io.ccpolicy.engine.model.Mode;
import io.ccpolicy.engine.model.OnViolation;
import io.ccpolicy.engine.model.Policy;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.model.PolicyException;
import io.ccpolicy.engine.model.Severity;
import io.ccpolicy.engine.model.Target;
import io.ccpolicy.engine.render.ViolationBox;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Evaluates events against a compiled document. Policies are indexed by target, and the candidates for each
 * (tool, targets) combination are computed once, so a decision touches only the policies that can concern it.
 * Thread-safe: one instance serves concurrent requests.
 */
public final class Evaluator {

    /** How one policy fared, for {@code explain}. */
    public record PolicyTrace(String policy, String outcome, String detail) {
    }

    /** A decision with the trace of every policy. */
    public record Explanation(Decision decision, List<PolicyTrace> traces) {
    }

    private final PolicyDocument document;
    private final String revision;
    private final Clock clock;
    private final Supplier<String> ids;
    private final String exceptionUrl;
    private final List<CompiledPolicy> all = new ArrayList<>();
    private final Map<Target, List<CompiledPolicy>> byTarget = new EnumMap<>(Target.class);
    private final Map<CandidateKey, CompiledPolicy[]> candidates = new ConcurrentHashMap<>();

    /**
     * The policies that can concern an event depend only on the tool, the event, the targets it has, and who acts where;
     * an agent serves one developer, so in practice this caches one short list per tool.
     */
    private record CandidateKey(String tool, String event, int targets, io.ccpolicy.engine.model.Identity identity, String project) {
    }

    public Evaluator(PolicyDocument document, String revision, Clock clock, Supplier<String> ids) {
        this.document = document;
        this.revision = revision;
        this.clock = clock;
        this.ids = ids;
        Object enforcement = document.claudeCode().get("enforcement");
        this.exceptionUrl = enforcement instanceof Map<?, ?> m && m.get("exception_url") instanceof String url ? url : "";
        for (Policy policy : document.policies()) {
            CompiledPolicy compiled = new CompiledPolicy(policy, all.size());
            all.add(compiled);
            byTarget.computeIfAbsent(policy.target(), t -> new ArrayList<>()).add(compiled);
        }
    }

    public PolicyDocument document() {
        return document;
    }

    public Decision evaluate(DecisionRequest request) {
        EventView view = new EventView(request);
        return decide(request, view, candidatesFor(view, request), null);
    }

    public Explanation explain(DecisionRequest request) {
        EventView view = new EventView(request);
        List<PolicyTrace> traces = new ArrayList<>();
        Decision decision = decide(request, view, all.toArray(CompiledPolicy[]::new), traces);
        return new Explanation(decision, traces);
    }

    private CompiledPolicy[] candidatesFor(EventView view, DecisionRequest request) {
        EnumSet<Target> targets = view.targetSet();
        CandidateKey key = new CandidateKey(view.tool, view.event.name(), bits(targets), request.identity(), request.project());
        CompiledPolicy[] cached = candidates.get(key);
        if (cached == null) {
            List<CompiledPolicy> list = new ArrayList<>();
            for (Target target : targets) {
                for (CompiledPolicy policy : byTarget.getOrDefault(target, List.of())) {
                    if (policy.toolInScope(view.tool) && policy.policy.appliesTo().matches(request.identity(), request.project())) {
                        list.add(policy);
                    }
                }
            }
            list.sort((a, b) -> Integer.compare(a.order, b.order));
            cached = list.toArray(CompiledPolicy[]::new);
            if (candidates.size() < 10_000) {
                candidates.put(key, cached);
            }
        }
        return cached;
    }

    private static int bits(EnumSet<Target> targets) {
        int bits = 0;
        for (Target t : targets) {
            bits |= 1 << t.ordinal();
        }
        return bits;
    }

    private Decision decide(DecisionRequest request, EventView view, CompiledPolicy[] policies, List<PolicyTrace> traces) {
        Instant now = clock.instant();
        List<PolicyMatch> matches = List.of();
        List<String> applied = List.of();
        List<String> expired = List.of();
        List<String> checked = List.of();
        Verdict verdict = Verdict.ALLOW;
        Verdict wouldBe = Verdict.ALLOW;
        for (CompiledPolicy compiled : policies) {
            Policy policy = compiled.policy;
            if (!policy.appliesTo().matches(request.identity(), request.project())) {
                trace(traces, policy, "not applicable", "applies_to does not include this user, team or project");
                continue;
            }
            CompiledPolicy.Check check = compiled.check(view, traces != null);
            if (check.outcome() != CompiledPolicy.Outcome.NOT_APPLICABLE) {
                checked = add(checked, policy.name());
            }
            if (check.outcome() == CompiledPolicy.Outcome.APPROACHING) {
                // a warning before the limit: it never blocks, whatever the severity does at the limit
                Verdict effect = policy.mode() == Mode.AUDIT ? Verdict.ALLOW : Verdict.WARN;
                matches = add(matches, new PolicyMatch(policy.name(), policy.type(), policy.target(), policy.severity(), policy.mode(),
                        effect, Verdict.WARN, check.current(), approaching(policy, check), null));
                verdict = verdict.strongest(effect);
                wouldBe = wouldBe.strongest(Verdict.WARN);
                trace(traces, policy, "approaching the limit", check.reason() + " -> " + effect.yaml());
                continue;
            }
            if (check.outcome() != CompiledPolicy.Outcome.VIOLATED) {
                trace(traces, policy, check.outcome() == CompiledPolicy.Outcome.PASSED ? "passed" : "not applicable", check.reason());
                continue;
            }
            Verdict base = policy.severity() == Severity.ERROR ? (policy.onViolation() == OnViolation.ASK ? Verdict.ASK : Verdict.DENY)
                    : policy.severity() == Severity.WARNING ? Verdict.WARN : Verdict.ALLOW;
            Verdict effect = policy.mode() == Mode.AUDIT ? Verdict.ALLOW
                    : policy.mode() == Mode.WARN && base.ordinal() > Verdict.WARN.ordinal() ? Verdict.WARN : base;
            PolicyException exemption = null;
            for (PolicyException exception : document.exceptions()) {
                if (exception.covers(policy.name(), check.values()) && exception.concerns(request.identity(), request.project())) {
                    if (exception.isExpiredAt(now)) {
                        expired = add(expired, exception.id());
                        trace(traces, policy, "exception expired", exception.id() + " (" + exception.describe() + ") expired "
                                + exception.expires().orElseThrow());
                    } else if (exemption == null) {
                        exemption = exception;
                    }
                }
            }
            String exceptionId = null;
            if (exemption != null) {
                effect = Verdict.ALLOW;
                base = Verdict.ALLOW;
                exceptionId = exemption.id();
                applied = add(applied, exemption.id());
            }
            String message = render(policy, check);
            matches = add(matches, new PolicyMatch(policy.name(), policy.type(), policy.target(), policy.severity(), policy.mode(),
                    effect, base, String.join(", ", check.values()), message, exceptionId));
            verdict = verdict.strongest(effect);
            wouldBe = wouldBe.strongest(base);
            trace(traces, policy, exemption != null ? "exempted" : policy.mode() == Mode.AUDIT ? "violated (audit mode: recorded only)"
                    : "violated", check.reason() + (exemption != null ? "; exempted by " + exemption.id() + " (" + exemption.describe()
                    + ", approved by " + exemption.approvedBy() + ")" : "") + "; " + policy.severity().yaml() + " -> " + effect.yaml());
        }
        return new Decision(ids.get(), verdict, wouldBe, matches, applied, expired, revision, document.sha256(),
                message(verdict, matches), now, checked, paths(view, Target.WRITE_PATH), paths(view, Target.READ_PATH),
                paths(view, Target.WEB_DOMAIN), !view.tool.equals("Bash") || view.shell().fullyKnown(),
                view.tool.equals("Bash") && view.shell().provenReadOnly());
    }

    /** The event's values on a path or host target as text, an unknowable one marked {@link Decision#UNKNOWN_PATH}. */
    private static List<String> paths(EventView view, Target target) {
        if (!view.applies(target)) {
            return List.of();
        }
        return view.values(target).stream().map(v -> v.opaque() ? Decision.UNKNOWN_PATH + v.text() : v.text()).distinct().toList();
    }

    private String render(Policy policy, CompiledPolicy.Check check) {
        String value = String.join(", ", check.values());
        return policy.message()
                .replace("{{value}}", value)
                .replace("{{current}}", check.current() == null ? value : check.current())
                .replace("{{max}}", policy.max().isPresent() ? Long.toString(policy.max().getAsLong()) : "")
                .replace("{{policy}}", policy.name());
    }

    /** The guide's "Approaching token limit ({{current}}/{{max}})", for any limit. */
    private static String approaching(Policy policy, CompiledPolicy.Check check) {
        String what = policy.target() == Target.SESSION_TOKENS ? "token limit" : policy.target().yaml() + " limit";
        return "Approaching " + what + " (" + check.current() + "/" + policy.max().orElseThrow() + ")";
    }

    private String message(Verdict verdict, List<PolicyMatch> matches) {
        if (verdict == Verdict.ALLOW) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        for (PolicyMatch match : matches) {
            if (match.effect() != verdict) {
                continue;
            }
            if (text.length() > 0) {
                text.append('\n');
            }
            if (verdict == Verdict.WARN) {
                text.append("Policy warning (").append(match.policy()).append("): ").append(match.message());
            } else {
                Policy policy = document.policy(match.policy()).orElseThrow();
                text.append(ViolationBox.render(policy, match.message(), match.value(), verdict == Verdict.ASK, exceptionUrl));
            }
        }
        return text.toString();
    }

    private static void trace(List<PolicyTrace> traces, Policy policy, String outcome, String detail) {
        if (traces != null) {
            traces.add(new PolicyTrace(policy.name(), outcome, detail));
        }
    }

    /** Appends without allocating for the common case of an event that matches nothing. */
    private static <T> List<T> add(List<T> list, T item) {
        List<T> grown = list.isEmpty() ? new ArrayList<>(2) : list;
        grown.add(item);
        return grown;
    }
}
