package io.ccpolicy.engine.sign;

/**
 * Signs with one Ed25519 key whose id is known in advance. Hosts may back it with a faster implementation than the
 * JDK's (the agent signs every audit event on the hook path); signatures are plain Ed25519 either way.
 */
public interface Signer {

    /** {@link Ed25519#keyId} of the public half. */
    String keyId();

    /** The base64 Ed25519 signature of {@code content}'s UTF-8 bytes. */
    String sign(String content);

    /** A signer of {@code keyId} that signs with {@code sign}. */
    static Signer of(String keyId, java.util.function.UnaryOperator<String> sign) {
        return new Signer() {
            @Override
            public String keyId() {
                return keyId;
            }

            @Override
            public String sign(String content) {
                return sign.apply(content);
            }
        };
    }
}
