package io.ccpolicy.testinfra;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Real RS256 bearer tokens for a service started with {@link #verificationProperties()}: Quarkus OIDC then verifies them
 * with this public key instead of asking an OIDC server (for packaged-service tests and benchmarks).
 */
public final class LocalTokens {

    private final KeyPair keys;

    public LocalTokens() {
        try {
            keys = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA is part of every Java runtime", e);
        }
    }

    /** The system properties that make the service verify these tokens locally. */
    public Map<String, String> verificationProperties() {
        return Map.of("quarkus.oidc.auth-server-url", "",
                "quarkus.oidc.public-key", Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()));
    }

    /** A token for {@code user} (also its e-mail) with these realm roles and teams, valid for an hour. */
    public String token(String user, Collection<String> roles, Collection<String> teams) {
        long now = Instant.now().getEpochSecond();
        String payload = "{\"sub\":\"" + user + "\",\"preferred_username\":\"" + user + "\",\"email\":\"" + user + "\",\"iat\":" + now
                + ",\"exp\":" + (now + 3600) + ",\"realm_access\":{\"roles\":[" + quoted(roles) + "]},\"teams\":[" + quoted(teams) + "]}";
        String signingInput = base64Url("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"local\"}") + "." + base64Url(payload);
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(keys.getPrivate());
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String quoted(Collection<String> values) {
        return values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(","));
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
