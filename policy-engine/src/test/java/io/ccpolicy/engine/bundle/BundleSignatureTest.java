package io.ccpolicy.engine.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.engine.audit.CanonicalJson;
import io.ccpolicy.engine.model.PolicyException;
import io.ccpolicy.engine.sign.Ed25519;
import io.ccpolicy.engine.sign.Signer;
import java.security.KeyPair;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A server writes a bundle's canonical form in one pass (its layers written once for many identities); the result must be
 * byte for byte what writing the body whole gives, or agents would refuse the signature.
 */
class BundleSignatureTest {

    private static final KeyPair KEY = Ed25519.generate();
    private static final Signer SIGNER = Ed25519.signer(KEY.getPrivate());

    private static List<PolicyBundle> bundles() {
        Instant at = Instant.parse("2026-11-24T10:00:00.123Z");
        List<PolicyBundle.Layer> layers = List.of(new PolicyBundle.Layer("organization:*", 3, "a".repeat(64),
                        "version: \"1.0\"\norganization: \"Acmé \\\\ \u0001\"\npolicies: []\n"),
                new PolicyBundle.Layer("project:github.com/acme/*", 9, "b".repeat(64), "version: \"1.0\"\npolicies:\n\t- {}\n"));
        PolicyException grant = new PolicyException("exc-1", PolicyException.Scope.USER, "alice@acme.com", List.of("no-curl"), "a \"reason\"",
                "lead", Optional.of(Instant.parse("2026-12-01T00:00:00Z")), List.of("curl x"));
        PolicyBundle.PendingRequest pending = new PolicyBundle.PendingRequest("req-1", "no-rm", "rm -rf /", "user", "alice@acme.com", "why\n",
                Instant.parse("2026-11-20T00:00:00Z"));
        return List.of(
                new PolicyBundle(1, at, "alice@acme.com", List.of(), "", List.of()),
                new PolicyBundle(12, at, "alice@acme.com", List.of("payments", "web"), "payments-api", layers),
                new PolicyBundle(Long.MAX_VALUE, at, "", List.of("ops"), "", layers, List.of(grant), List.of(pending), "sub|123"));
    }

    @Test
    void theCanonicalFormInOnePassIsTheBodyWrittenWhole() {
        for (PolicyBundle bundle : bundles()) {
            Map<String, Object> content = bundle.body();
            content.remove("revision");
            content.remove("createdAt");
            PolicyBundle.Canonical canonical = bundle.canonical(PolicyBundle.layersJson(bundle.layers()));
            assertThat(canonical.body()).isEqualTo(CanonicalJson.write(bundle.body()));
            assertThat(canonical.content()).isEqualTo(CanonicalJson.write(content));
            assertThat(bundle.contentSha256()).isEqualTo(canonical.sha256());
        }
    }

    @Test
    void theSignedDocumentIsCanonicalAndOpens() throws Exception {
        for (PolicyBundle bundle : bundles()) {
            String signed = BundleSignature.sign(bundle.canonical(), SIGNER);
            Map<String, Object> document = new ObjectMapper().readValue(signed, new TypeReference<LinkedHashMap<String, Object>>() { });
            assertThat(signed).isEqualTo(CanonicalJson.write(document));
            assertThat(document.get("sha256")).isEqualTo(bundle.contentSha256());
            assertThat(BundleSignature.open(document, KEY.getPublic())).isEqualTo(bundle);
        }
    }
}
