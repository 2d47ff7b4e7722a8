package io.ccpolicy.engine.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.engine.DecisionRequest;
import io.ccpolicy.engine.HookEvent;
import io.ccpolicy.engine.PolicyEngine;
import io.ccpolicy.engine.Verdict;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.model.Policy;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.model.PolicyException;
import io.ccpolicy.engine.sign.Ed25519;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyBundleTest {

    private static final String ORG = """
            version: "1.0"
            organization: Acme
            policies:
              - {name: approved-mcp-servers, type: allowlist, target: mcpServers, values: [github-mcp], severity: error}
            """;
    private static final String TEAM = """
            version: "1.0"
            organization: Acme
            policies:
              - {name: approved-mcp-servers, type: allowlist, target: mcpServers, values: [github-mcp, anything-mcp], severity: warning}
              - {name: no-force-push, type: denylist, target: bashCommand, values: ["git push --force"], severity: error}
            exceptions:
              - {team: payments, exempt_from: [approved-mcp-servers], reason: "tries to weaken the organisation", approved_by: lead}
              - {team: payments, exempt_from: [no-force-push], reason: "own policy", approved_by: lead}
            """;

    private final PolicyBundle bundle = new PolicyBundle(12, Instant.parse("2026-11-24T10:00:00Z"), "alice@acme.com", List.of("payments"),
            "payments-api", List.of(new PolicyBundle.Layer("organization:*", 3, "a".repeat(64), ORG),
                    new PolicyBundle.Layer("team:payments", 5, "b".repeat(64), TEAM)));

    @Test
    void theOrganizationCannotBeOverriddenOrExemptedFromBelow() throws Exception {
        PolicyDocument effective = bundle.effective();
        assertThat(effective.policies()).extracting(Policy::name).containsExactly("approved-mcp-servers", "no-force-push");
        assertThat(effective.policy("approved-mcp-servers").orElseThrow().values()).containsExactly("github-mcp");
        assertThat(effective.exceptions()).extracting(PolicyException::exemptFrom).containsExactly(List.of("no-force-push"));
        assertThat(effective.sha256()).isEqualTo(bundle.contentSha256());
    }

    @Test
    void aProjectLayerAppliesToTheOriginsItsPatternNamesAndOnlyAddsPolicies() throws Exception {
        String project = """
                version: "1.0"
                organization: Acme
                policies:
                  - {name: approved-mcp-servers, type: allowlist, target: mcpServers, values: [anything-mcp], severity: warning}
                  - {name: no-legacy-deploy, type: denylist, target: bashCommand, values: ["make deploy"], severity: error}
                """;
        PolicyBundle withProject = new PolicyBundle(13, Instant.parse("2026-11-24T10:00:00Z"), "alice@acme.com", List.of(), "",
                List.of(new PolicyBundle.Layer("organization:*", 3, "a".repeat(64), ORG),
                        new PolicyBundle.Layer("project:github.com/acme/legacy-*", 4, "c".repeat(64), project)));

        assertThat(withProject.effective(false, "github.com/acme/legacy-billing").policies()).extracting(Policy::name)
                .containsExactly("approved-mcp-servers", "no-legacy-deploy");
        assertThat(withProject.effective(false, "github.com/acme/legacy-billing").policy("approved-mcp-servers").orElseThrow().values())
                .as("the organisation's version stands").containsExactly("github-mcp");
        assertThat(withProject.effective(false, "github.com/acme/payments").policies()).extracting(Policy::name)
                .containsExactly("approved-mcp-servers");
        assertThat(withProject.effective(false, "").policies()).as("no remote, no project").extracting(Policy::name)
                .containsExactly("approved-mcp-servers");
        assertThat(withProject.effective(false, io.ccpolicy.engine.model.Projects.opaque("an [include] in .git/config")).policies())
                .as("a project that cannot be read gets every project's restrictions").extracting(Policy::name)
                .containsExactly("approved-mcp-servers", "no-legacy-deploy");
        assertThat(withProject.projectLayersFor("github.com/acme/legacy-billing")).containsExactly("github.com/acme/legacy-*");
    }

    @Test
    void aSignedBundleOpensOnlyUnalteredAndWithTheTrustedKey() throws Exception {
        KeyPair keys = Ed25519.generate();
        String signed = BundleSignature.sign(bundle, keys.getPrivate());
        ObjectMapper json = new ObjectMapper();
        Map<String, Object> document = json.readValue(signed, new TypeReference<>() { });
        assertThat(BundleSignature.open(document, keys.getPublic())).isEqualTo(bundle);

        Map<String, Object> tampered = json.readValue(signed.replace("github-mcp]", "evil-mcp]"), new TypeReference<>() { });
        assertThatThrownBy(() -> BundleSignature.open(tampered, keys.getPublic())).hasMessageContaining("does not verify");
        assertThatThrownBy(() -> BundleSignature.open(document, Ed25519.generate().getPublic())).hasMessageContaining("signed with key");

        PolicyBundle withSubject = new PolicyBundle(bundle.revision(), bundle.createdAt(), bundle.email(), bundle.teams(), bundle.project(),
                bundle.layers(), bundle.grants(), bundle.pending(), "f7c2a9e4-5d1b-4c8e-9a3f-2b6d8e0c1a47");
        PolicyBundle opened = BundleSignature.open(json.readValue(BundleSignature.sign(withSubject, keys.getPrivate()), new TypeReference<>() { }),
                keys.getPublic());
        assertThat(opened.subject()).as("the identity provider's subject id travels signed").isEqualTo(withSubject.subject());
    }

    @Test
    void duringAKeyRotationABundleSignedByEitherTrustedKeyOpensAndNoOtherDoes() throws Exception {
        KeyPair old = Ed25519.generate();
        KeyPair next = Ed25519.generate();
        ObjectMapper json = new ObjectMapper();
        Map<String, Object> byNext = json.readValue(BundleSignature.sign(bundle, next.getPrivate()), new TypeReference<>() { });
        Map<String, Object> byOld = json.readValue(BundleSignature.sign(bundle, old.getPrivate()), new TypeReference<>() { });
        List<java.security.PublicKey> trusted = List.of(old.getPublic(), next.getPublic());
        assertThat(BundleSignature.open(byNext, trusted)).isEqualTo(bundle);
        assertThat(BundleSignature.open(byOld, trusted)).isEqualTo(bundle);

        KeyPair stranger = Ed25519.generate();
        Map<String, Object> byStranger = json.readValue(BundleSignature.sign(bundle, stranger.getPrivate()), new TypeReference<>() { });
        assertThatThrownBy(() -> BundleSignature.open(byStranger, trusted))
                .hasMessage("bundle signed with key " + Ed25519.keyId(stranger.getPublic()) + ", not with a trusted key ("
                        + Ed25519.keyId(old.getPublic()) + ", " + Ed25519.keyId(next.getPublic()) + ")");
    }

    @Test
    void anApprovedGrantExemptsFromTheOrganizationOnlyForItsValueAndOnlyUntilItExpires() throws Exception {
        Instant expires = Instant.parse("2026-11-24T12:00:00Z");
        PolicyException grant = new PolicyException("exc-1", PolicyException.Scope.USER, "alice@acme.com", List.of("approved-mcp-servers"),
                "incident 4711", "carol@acme.com", Optional.of(expires), List.of("slack-mcp"));
        PolicyBundle.PendingRequest pending = new PolicyBundle.PendingRequest("exc-2", "no-force-push", null, "user", "alice@acme.com",
                "release", Instant.parse("2026-11-24T09:00:00Z"));
        PolicyBundle granted = new PolicyBundle(13, bundle.createdAt(), bundle.email(), bundle.teams(), bundle.project(), bundle.layers(),
                List.of(grant), List.of(pending));
        assertThat(granted.contentSha256()).isNotEqualTo(bundle.contentSha256());

        KeyPair keys = Ed25519.generate();
        Map<String, Object> signed = new ObjectMapper().readValue(BundleSignature.sign(granted, keys.getPrivate()), new TypeReference<>() { });
        PolicyBundle opened = BundleSignature.open(signed, keys.getPublic());
        assertThat(opened).isEqualTo(granted);

        Verdict before = mcpCall(opened, "slack-mcp", expires.minusSeconds(60));
        assertThat(before).isEqualTo(Verdict.ALLOW);
        assertThat(mcpCall(opened, "jira-mcp", expires.minusSeconds(60))).as("another server is not covered").isEqualTo(Verdict.DENY);
        assertThat(mcpCall(opened, "slack-mcp", expires)).as("expired, checked by the agent's own clock").isEqualTo(Verdict.DENY);
    }

    private static Verdict mcpCall(PolicyBundle bundle, String server, Instant at) throws Exception {
        PolicyEngine engine = PolicyEngine.compile(bundle.effective(), "bundle", Clock.fixed(at, ZoneOffset.UTC), () -> "d");
        Map<String, Object> payload = Map.of("hook_event_name", "PreToolUse", "tool_name", "mcp__" + server + "__send", "tool_input", Map.of(),
                "session_id", "s", "cwd", "/work");
        return engine.evaluate(new DecisionRequest(HookEvent.of(payload), Identity.of("alice@acme.com", "payments"), "payments-api", null,
                null, null)).verdict();
    }

    @Test
    void theContentDigestIgnoresRevisionAndTime() {
        PolicyBundle later = new PolicyBundle(13, Instant.parse("2026-11-25T10:00:00Z"), bundle.email(), bundle.teams(), bundle.project(),
                bundle.layers());
        assertThat(later.contentSha256()).isEqualTo(bundle.contentSha256());
    }
}
