package io.ccpolicy.engine.bundle;

import io.ccpolicy.engine.audit.CanonicalJson;
import io.ccpolicy.engine.sign.Ed25519;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The signed form of a bundle, as served and as an agent persists it: canonical JSON of
 * {@code {"bundle": <body>, "sha256": <content digest>, "signature": {"algorithm": "Ed25519", "keyId", "value"}}}; the
 * signature covers the canonical JSON of the body.
 */
public final class BundleSignature {

    private BundleSignature() {
    }

    public static String sign(PolicyBundle bundle, PrivateKey key) {
        Map<String, Object> body = bundle.body();
        Map<String, Object> signature = new LinkedHashMap<>();
        signature.put("algorithm", Ed25519.ALGORITHM);
        signature.put("keyId", Ed25519.keyId(Ed25519.publicKeyOf(key)));
        signature.put("value", Ed25519.sign(key, CanonicalJson.write(body)));
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("bundle", body);
        document.put("sha256", bundle.contentSha256());
        document.put("signature", signature);
        return CanonicalJson.write(document);
    }

    /** The bundle in a signed document if its signature verifies with {@code key}; otherwise says why it is refused. */
    public static PolicyBundle open(Map<?, ?> document, PublicKey key) {
        if (!(document.get("bundle") instanceof Map<?, ?> body) || !(document.get("signature") instanceof Map<?, ?> signature)) {
            throw new IllegalArgumentException("not a signed bundle (needs bundle and signature)");
        }
        if (!Ed25519.ALGORITHM.equals(signature.get("algorithm")) || !(signature.get("value") instanceof String value)) {
            throw new IllegalArgumentException("bundle signature is not Ed25519");
        }
        if (!Ed25519.keyId(key).equals(signature.get("keyId"))) {
            throw new IllegalArgumentException("bundle signed with key " + signature.get("keyId") + ", the agent trusts " + Ed25519.keyId(key));
        }
        if (!Ed25519.verify(key, CanonicalJson.write(body), value)) {
            throw new IllegalArgumentException("bundle signature does not verify (altered in transit or at rest)");
        }
        return PolicyBundle.fromBody(body);
    }
}
