package io.ccpolicy.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.engine.sign.Ed25519;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's fast signer writes the very signatures the JDK's Ed25519 writes and verifies: ingest checks them with the JDK. */
class MachineKeyTest {

    @TempDir
    Path state;

    @Test
    void theFastSignerSignsExactlyAsTheJdkDoes() throws Exception {
        MachineKey key = MachineKey.load(state);
        for (String content : new String[] {"", "a3f1c2d4e5f6", "ünïcödé ✓ " + "x".repeat(5000)}) {
            String fast = key.signer().sign(content);
            assertThat(fast).isEqualTo(Ed25519.sign(key.privateKey(), content)); // Ed25519 is deterministic
            assertThat(Ed25519.verify(key.publicKey(), content, fast)).isTrue();
            assertThat(Ed25519.verify(key.publicKey(), content + ".", fast)).isFalse();
        }
        assertThat(key.signer().keyId()).isEqualTo(key.keyId());
    }
}
