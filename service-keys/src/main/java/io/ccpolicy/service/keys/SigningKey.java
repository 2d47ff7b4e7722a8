package io.ccpolicy.service.keys;

import io.ccpolicy.engine.sign.Ed25519;
import io.ccpolicy.engine.sign.Signer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * A service's Ed25519 signing key (bundles, archive manifests, administrative audit events), loaded from configuration:
 * PEM text (e.g. from a Kubernetes Secret) or a file. A missing or unusable key stops the service with a message that
 * says which setting to fix; only the local platform and tests may ask for a missing file to be generated (with its
 * .pub beside it). Services produce theirs as a startup bean, so a deployment without a usable key never starts.
 */
public final class SigningKey {

    private static final Logger LOG = Logger.getLogger(SigningKey.class);

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final Signer signer;

    private SigningKey(PrivateKey privateKey) {
        this.privateKey = privateKey;
        this.publicKey = Ed25519.publicKeyOf(privateKey);
        this.signer = Ed25519.signer(privateKey);
    }

    /** {@code setting} names the configuration prefix, e.g. {@code audit-ingest.archive}, for the error messages. */
    public static SigningKey load(String setting, Optional<String> pem, Optional<Path> file, boolean generateMissing) {
        return new SigningKey(privateKey(setting, pem, file, generateMissing));
    }

    /** Signs; made once, as a publication signs one bundle per developer. */
    public Signer signer() {
        return signer;
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    private static PrivateKey privateKey(String setting, Optional<String> pem, Optional<Path> file, boolean generateMissing) {
        String text;
        if (pem.isPresent()) {
            text = pem.get();
        } else if (file.isPresent()) {
            text = readOrGenerate(file.get(), generateMissing);
        } else {
            throw new IllegalStateException("no signing key: set " + setting + ".signing-key (PKCS#8 PEM) or " + setting
                    + ".signing-key-file; create one with: openssl genpkey -algorithm ed25519 -out signing.pem");
        }
        try {
            PrivateKey key = Ed25519.privateKey(text);
            LOG.infof("%s: signing with Ed25519 key %s", setting, Ed25519.keyId(Ed25519.publicKeyOf(key)));
            return key;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(setting + " signing key: " + e.getMessage(), e);
        }
    }

    private static String readOrGenerate(Path file, boolean generate) {
        try {
            if (!Files.exists(file) && generate) {
                KeyPair pair = Ed25519.generate();
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(file, Ed25519.privateKeyPem(pair.getPrivate()));
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    // Windows: the directory's ACL applies.
                }
                Files.writeString(Path.of(file + ".pub"), Ed25519.publicKeyPem(pair.getPublic()));
                LOG.infof("generated signing key %s (public key in %s.pub)", file, file);
            }
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("signing key file " + file + ": " + e.getMessage(), e);
        }
    }
}
