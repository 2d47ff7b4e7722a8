package io.ccpolicy.service.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ccpolicy.engine.sign.Ed25519;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one signing-key class every service loads its key with (bundles, manifests, administrative events). */
class SigningKeyTest {

    @TempDir
    Path dir;

    @Test
    void noKeyStopsTheServiceNamingTheSettingsToSet() {
        assertThatThrownBy(() -> SigningKey.load("policy-service.bundle", Optional.empty(), Optional.empty(), true))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("policy-service.bundle.signing-key (PKCS#8 PEM)")
                .hasMessageContaining("policy-service.bundle.signing-key-file");
        assertThatThrownBy(() -> SigningKey.load("audit-ingest.archive", Optional.of("not a key"), Optional.empty(), false))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("audit-ingest.archive signing key: ");
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> SigningKey.load("audit-ingest.archive", Optional.empty(), Optional.of(missing), false))
                .hasMessageContaining(missing.toString());
    }

    @Test
    void aGeneratedKeyIsOwnerOnlyWithItsPublicKeyBesideAndSignsWhatItsPublicKeyVerifies() throws Exception {
        Path file = dir.resolve("keys/signing.pem");
        SigningKey key = SigningKey.load("test", Optional.empty(), Optional.of(file), true);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(Path.of(file + ".pub"))).isEqualTo(Ed25519.publicKeyPem(key.publicKey()));
        assertThat(Ed25519.verify(key.publicKey(), "bundle", key.signer().sign("bundle"))).isTrue();
        assertThat(key.signer().keyId()).isEqualTo(Ed25519.keyId(key.publicKey()));
        assertThat(SigningKey.load("test", Optional.of(Files.readString(file)), Optional.empty(), false).publicKey())
                .as("the same key read back from its PEM").isEqualTo(key.publicKey());
    }
}
