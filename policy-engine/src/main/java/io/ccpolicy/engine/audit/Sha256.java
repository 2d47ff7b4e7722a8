package io.ccpolicy.engine.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as lower-case hex, the form every digest in policies, events and archive manifests uses. */
public final class Sha256 {

    private Sha256() {
    }

    /** Cloned for each digest: a provider lookup per call cost more than hashing an audit event. */
    private static final MessageDigest PROTOTYPE = digest();

    public static String hex(byte[] bytes) {
        MessageDigest sha256;
        try {
            sha256 = (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            sha256 = digest();
        }
        return HexFormat.of().formatHex(sha256.digest(bytes));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    public static String hex(String text) {
        return hex(text.getBytes(StandardCharsets.UTF_8));
    }
}
