package io.ccpolicy.engine;

import io.ccpolicy.engine.model.Mode;
import io.ccpolicy.engine.model.PolicyType;
import io.ccpolicy.engine.model.Severity;
import io.ccpolicy.engine.model.Target;

/**
 * A policy the event violated. {@code effect} is what it contributes to the verdict (allow when exempted, in audit mode
 * or of info severity); {@code wouldBe} is what it would contribute if enforced; {@code value} is the offending value
 * (masked where it may be a secret); {@code exceptionId} names the exception that exempted it, if any.
 */
public record PolicyMatch(String policy, PolicyType type, Target target, Severity severity, Mode mode, Verdict effect,
        Verdict wouldBe, String value, String message, String exceptionId) {
}
