package io.ccpolicy.engine.audit;

import io.ccpolicy.engine.sign.Ed25519;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ed25519 signatures over archive manifests. A stored manifest is the canonical JSON of
 * {@code {"manifest": <body>, "signature": {"algorithm": "Ed25519", "keyId": ..., "value": <base64>}}} plus a newline;
 * the signature covers the canonical JSON of the body.
 */
public final class ArchiveSignature {

    private ArchiveSignature() {
    }

    /** The bytes to store for this manifest, signed with {@code key}. */
    public static byte[] sign(ArchiveManifest manifest, PrivateKey key) {
        Map<String, Object> body = manifest.body();
        Map<String, Object> signature = new LinkedHashMap<>();
        signature.put("algorithm", Ed25519.ALGORITHM);
        signature.put("keyId", Ed25519.keyId(Ed25519.publicKeyOf(key)));
        signature.put("value", Ed25519.sign(key, CanonicalJson.write(body)));
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("manifest", body);
        document.put("signature", signature);
        return (CanonicalJson.write(document) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The manifest in a stored document, if its signature verifies with {@code key}; otherwise says why not. */
    public static ArchiveManifest open(Map<?, ?> document, PublicKey key) {
        if (!(document.get("manifest") instanceof Map<?, ?> body) || !(document.get("signature") instanceof Map<?, ?> signature)) {
            throw new IllegalArgumentException("not a signed manifest (needs manifest and signature)");
        }
        if (!Ed25519.ALGORITHM.equals(signature.get("algorithm")) || !(signature.get("value") instanceof String value)) {
            throw new IllegalArgumentException("signature is not an Ed25519 signature");
        }
        if (!Ed25519.keyId(key).equals(signature.get("keyId"))) {
            throw new IllegalArgumentException("signed with key " + signature.get("keyId") + ", not with the given key " + Ed25519.keyId(key));
        }
        if (!Ed25519.verify(key, CanonicalJson.write(body), value)) {
            throw new IllegalArgumentException("signature does not verify (manifest altered or not signed by this key)");
        }
        return ArchiveManifest.fromBody(body);
    }
}
