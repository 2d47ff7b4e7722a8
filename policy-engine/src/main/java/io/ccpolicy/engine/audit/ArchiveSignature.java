package io.ccpolicy.engine.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ed25519 signatures over archive manifests. A stored manifest is the canonical JSON of
 * {@code {"manifest": <body>, "signature": {"algorithm": "Ed25519", "keyId": ..., "value": <base64>}}} plus a newline;
 * the signature covers the canonical JSON of the body. Keys are PEM (PKCS#8 private, X.509 public), as
 * {@code openssl genpkey -algorithm ed25519} writes them; the key id is the first 16 hex digits of the public key's
 * SHA-256.
 */
public final class ArchiveSignature {

    public static final String ALGORITHM = "Ed25519";

    private ArchiveSignature() {
    }

    /** The bytes to store for this manifest, signed with {@code key}. */
    public static byte[] sign(ArchiveManifest manifest, PrivateKey key) {
        Map<String, Object> body = manifest.body();
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(key);
            signer.update(CanonicalJson.write(body).getBytes(StandardCharsets.UTF_8));
            Map<String, Object> signature = new LinkedHashMap<>();
            signature.put("algorithm", ALGORITHM);
            signature.put("keyId", keyId(publicKeyOf(key)));
            signature.put("value", Base64.getEncoder().encodeToString(signer.sign()));
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("manifest", body);
            document.put("signature", signature);
            return (CanonicalJson.write(document) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
        }
    }

    /** The manifest in a stored document, if its signature verifies with {@code key}; otherwise says why not. */
    public static ArchiveManifest open(Map<?, ?> document, PublicKey key) {
        if (!(document.get("manifest") instanceof Map<?, ?> body) || !(document.get("signature") instanceof Map<?, ?> signature)) {
            throw new IllegalArgumentException("not a signed manifest (needs manifest and signature)");
        }
        if (!ALGORITHM.equals(signature.get("algorithm")) || !(signature.get("value") instanceof String value)) {
            throw new IllegalArgumentException("signature is not an Ed25519 signature");
        }
        if (!keyId(key).equals(signature.get("keyId"))) {
            throw new IllegalArgumentException("signed with key " + signature.get("keyId") + ", not with the given key " + keyId(key));
        }
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(CanonicalJson.write(body).getBytes(StandardCharsets.UTF_8));
            if (!verifier.verify(Base64.getDecoder().decode(value))) {
                throw new IllegalArgumentException("signature does not verify (manifest altered or not signed by this key)");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith("signature") ? e.getMessage()
                    : "signature does not verify: " + e.getMessage(), e);
        }
        return ArchiveManifest.fromBody(body);
    }

    public static PrivateKey privateKey(String pem) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der(pem, "PRIVATE KEY")));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 private key in PKCS#8 PEM: " + e.getMessage(), e);
        }
    }

    public static PublicKey publicKey(String pem) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der(pem, "PUBLIC KEY")));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key in X.509 PEM: " + e.getMessage(), e);
        }
    }

    /** Ed25519 derives the public key from the private one: feed its bytes as the generator's randomness. */
    public static PublicKey publicKeyOf(PrivateKey key) {
        if (!(key instanceof EdECPrivateKey edec) || edec.getBytes().isEmpty()) {
            throw new IllegalArgumentException("not an Ed25519 private key");
        }
        byte[] seed = edec.getBytes().get();
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
            generator.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
                @Override
                public void nextBytes(byte[] bytes) {
                    System.arraycopy(seed, 0, bytes, 0, bytes.length);
                }
            });
            return generator.generateKeyPair().getPublic();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every Java 15+ runtime", e);
        }
    }

    public static String publicKeyPem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    public static String keyId(PublicKey key) {
        return Sha256.hex(key.getEncoded()).substring(0, 16);
    }

    private static byte[] der(String pem, String type) {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("no " + begin + " block");
        }
        try {
            return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + type + " block is not base64");
        }
    }
}
