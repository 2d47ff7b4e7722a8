package io.ccpolicy.engine.sign;

import io.ccpolicy.engine.audit.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
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
 * Ed25519 keys and signatures as every signed artefact of the platform uses them (archive manifests, policy bundles):
 * keys in PEM (PKCS#8 private, X.509 public) as {@code openssl genpkey -algorithm ed25519} writes them, a key id of the
 * first 16 hex digits of the public key's SHA-256, signatures in base64.
 */
public final class Ed25519 {

    public static final String ALGORITHM = "Ed25519";
    private static final int X509_PREFIX_LENGTH = 12;

    private Ed25519() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every Java 15+ runtime", e);
        }
    }

    public static String sign(PrivateKey key, String content) {
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(key);
            signer.update(content.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code signature} (base64) is {@code key}'s signature of {@code content}; false for anything malformed.
     * Checked with Bouncy Castle's Ed25519 (audit-ingest checks every event): the same standard Ed25519 as the JDK's,
     * several times faster.
     */
    public static boolean verify(PublicKey key, String content, String signature) {
        try {
            byte[] value = Base64.getDecoder().decode(signature);
            byte[] message = content.getBytes(StandardCharsets.UTF_8);
            return value.length == org.bouncycastle.math.ec.rfc8032.Ed25519.SIGNATURE_SIZE
                    && org.bouncycastle.math.ec.rfc8032.Ed25519.verify(value, 0, raw(key), 0, message, 0, message.length);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The key's 32 bytes: the end of its X.509 (SubjectPublicKeyInfo) encoding. */
    private static byte[] raw(PublicKey key) {
        byte[] encoded = key.getEncoded();
        if (encoded == null || encoded.length != X509_PREFIX_LENGTH + org.bouncycastle.math.ec.rfc8032.Ed25519.PUBLIC_KEY_SIZE
                || !ALGORITHM.equalsIgnoreCase(key.getAlgorithm()) && !"EdDSA".equalsIgnoreCase(key.getAlgorithm())) {
            throw new IllegalArgumentException("not an Ed25519 public key");
        }
        return java.util.Arrays.copyOfRange(encoded, X509_PREFIX_LENGTH, encoded.length);
    }

    /** The signature object signed artefacts embed: {@code {"algorithm": "Ed25519", "keyId": ..., "value": <base64>}}. */
    public static Map<String, Object> signatureBlock(PrivateKey key, String content) {
        return signatureBlock(signer(key), content);
    }

    public static Map<String, Object> signatureBlock(Signer signer, String content) {
        Map<String, Object> signature = new LinkedHashMap<>();
        signature.put("algorithm", ALGORITHM);
        signature.put("keyId", signer.keyId());
        signature.put("value", signer.sign(content));
        return signature;
    }

    /**
     * A signer with this key, its id and public half derived once. It signs with Bouncy Castle's Ed25519, about ten
     * times faster than the JDK's here (the agent signs every audit event, policy-service a bundle per developer at each
     * publication); Ed25519 is deterministic, so the signatures are the JDK's, byte for byte.
     */
    public static Signer signer(PrivateKey key) {
        PublicKey publicKey = publicKeyOf(key);
        byte[] seed = key instanceof java.security.interfaces.EdECPrivateKey edec ? edec.getBytes().orElse(null) : null;
        if (seed == null) {
            throw new IllegalArgumentException("not an Ed25519 private key with its seed");
        }
        byte[] raw = raw(publicKey);
        return Signer.of(keyId(publicKey), content -> {
            byte[] message = content.getBytes(StandardCharsets.UTF_8);
            byte[] signature = new byte[org.bouncycastle.math.ec.rfc8032.Ed25519.SIGNATURE_SIZE];
            org.bouncycastle.math.ec.rfc8032.Ed25519.sign(seed, 0, raw, 0, message, 0, message.length, signature, 0);
            return Base64.getEncoder().encodeToString(signature);
        });
    }

    /** Checks an embedded signature object over {@code content}; the exception says why it does not hold for {@code what}. */
    public static void checkSignatureBlock(Object block, PublicKey key, String content, String what) {
        if (!(block instanceof Map<?, ?> signature) || !ALGORITHM.equals(signature.get("algorithm")) || !(signature.get("value") instanceof String value)) {
            throw new IllegalArgumentException(what + " has no Ed25519 signature");
        }
        if (!keyId(key).equals(signature.get("keyId"))) {
            throw new IllegalArgumentException(what + " signed with key " + signature.get("keyId") + ", not with the trusted key " + keyId(key));
        }
        if (!verify(key, content, value)) {
            throw new IllegalArgumentException(what + " signature does not verify (altered, or not signed by this key)");
        }
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
        return pem("PUBLIC KEY", key.getEncoded());
    }

    public static String privateKeyPem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    public static String keyId(PublicKey key) {
        return Sha256.hex(key.getEncoded()).substring(0, 16);
    }

    /** The key's full SHA-256 fingerprint, as a person compares it when pinning the key: {@code SHA256:<hex>}. */
    public static String fingerprint(PublicKey key) {
        return "SHA256:" + Sha256.hex(key.getEncoded());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
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
