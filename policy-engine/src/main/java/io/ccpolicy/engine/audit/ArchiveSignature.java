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
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("manifest", body);
        document.put("signature", Ed25519.signatureBlock(key, CanonicalJson.write(body)));
        return (CanonicalJson.write(document) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The manifest in a stored document, if its signature verifies with {@code key}; otherwise says why not. */
    public static ArchiveManifest open(Map<?, ?> document, PublicKey key) {
        if (!(document.get("manifest") instanceof Map<?, ?> body)) {
            throw new IllegalArgumentException("not a signed manifest (needs manifest and signature)");
        }
        Ed25519.checkSignatureBlock(document.get("signature"), key, CanonicalJson.write(body), "manifest");
        return ArchiveManifest.fromBody(body);
    }
}
