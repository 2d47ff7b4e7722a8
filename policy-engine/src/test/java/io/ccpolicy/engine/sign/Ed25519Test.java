package io.ccpolicy.engine.sign;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The fast Ed25519 (Bouncy Castle) signs and checks exactly as the JDK's does: what one signs, the other accepts. */
class Ed25519Test {

    private final KeyPair keys = Ed25519.generate();

    @Test
    void theSignerSignsByteForByteAsTheJdkAndTheJdkAcceptsIt() throws Exception {
        Signer signer = Ed25519.signer(keys.getPrivate());
        assertThat(signer.keyId()).isEqualTo(Ed25519.keyId(keys.getPublic()));
        for (String content : new String[] {"", "a3f1c2d4e5f6", "ünïcödé ✓ " + "x".repeat(5000)}) {
            String fast = signer.sign(content);
            assertThat(fast).isEqualTo(Ed25519.sign(keys.getPrivate(), content)); // Ed25519 is deterministic
            Signature jdk = Signature.getInstance("Ed25519");
            jdk.initVerify(keys.getPublic());
            jdk.update(content.getBytes(StandardCharsets.UTF_8));
            assertThat(jdk.verify(Base64.getDecoder().decode(fast))).isTrue();
        }
    }

    @Test
    void verifyAcceptsTheJdksSignaturesAndNothingElse() throws Exception {
        String signature = Ed25519.sign(keys.getPrivate(), "content");
        assertThat(Ed25519.verify(keys.getPublic(), "content", signature)).isTrue();
        assertThat(Ed25519.verify(keys.getPublic(), "content.", signature)).isFalse();
        assertThat(Ed25519.verify(Ed25519.generate().getPublic(), "content", signature)).as("another key").isFalse();
        byte[] flipped = Base64.getDecoder().decode(signature);
        flipped[10] ^= 1;
        assertThat(Ed25519.verify(keys.getPublic(), "content", Base64.getEncoder().encodeToString(flipped))).isFalse();
        assertThat(Ed25519.verify(keys.getPublic(), "content", signature.substring(8))).as("too short").isFalse();
        assertThat(Ed25519.verify(keys.getPublic(), "content", "not base64 !")).isFalse();
        KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        assertThat(Ed25519.verify(rsa.getPublic(), "content", signature)).as("not an Ed25519 key").isFalse();
    }
}
