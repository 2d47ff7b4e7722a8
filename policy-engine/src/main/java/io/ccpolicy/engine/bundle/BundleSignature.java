package io.ccpolicy.engine.bundle;

import io.ccpolicy.engine.audit.CanonicalJson;
import io.ccpolicy.engine.sign.Ed25519;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.List;
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
        return sign(bundle.canonical(), Ed25519.signer(key));
    }

    /**
     * The signed document of a bundle in its canonical form ({@link PolicyBundle#canonical}), with a signer made once for
     * the key (a server signs many bundles). The body is written once: the document's keys (bundle, sha256, signature)
     * are already in canonical order around it.
     */
    public static String sign(PolicyBundle.Canonical bundle, io.ccpolicy.engine.sign.Signer signer) {
        return "{\"bundle\":" + bundle.body() + ",\"sha256\":" + CanonicalJson.write(bundle.sha256()) + ",\"signature\":"
                + CanonicalJson.write(Ed25519.signatureBlock(signer, bundle.body())) + "}";
    }

    /**
     * The bundle in a signed document if it is signed by one of the {@code trusted} keys (the one its signature names)
     * and verifies; otherwise says why it is refused. Several keys are trusted while the signing key is rotated.
     */
    public static PolicyBundle open(Map<?, ?> document, List<PublicKey> trusted) {
        Object keyId = document.get("signature") instanceof Map<?, ?> signature ? signature.get("keyId") : null;
        for (PublicKey key : trusted) {
            if (Ed25519.keyId(key).equals(keyId)) {
                return open(document, key);
            }
        }
        if (trusted.size() == 1) {
            return open(document, trusted.get(0));
        }
        throw new IllegalArgumentException("bundle signed with key " + keyId + ", not with a trusted key ("
                + String.join(", ", trusted.stream().map(Ed25519::keyId).toList()) + ")");
    }

    /** The bundle in a signed document if its signature verifies with {@code key}; otherwise says why it is refused. */
    public static PolicyBundle open(Map<?, ?> document, PublicKey key) {
        if (!(document.get("bundle") instanceof Map<?, ?> body)) {
            throw new IllegalArgumentException("not a signed bundle (needs bundle and signature)");
        }
        Ed25519.checkSignatureBlock(document.get("signature"), key, CanonicalJson.write(body), "bundle");
        return PolicyBundle.fromBody(body);
    }
}
