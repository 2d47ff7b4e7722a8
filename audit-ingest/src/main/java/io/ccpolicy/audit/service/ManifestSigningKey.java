package io.ccpolicy.audit.service;

import io.ccpolicy.audit.config.AuditIngestConfig;
import io.ccpolicy.engine.audit.ArchiveSignature;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import org.jboss.logging.Logger;

/**
 * The Ed25519 key that signs archive manifests, loaded at startup: a deployment without a usable key refuses to start
 * (it would otherwise archive what nobody can later prove).
 */
@Startup
@ApplicationScoped
public class ManifestSigningKey {

    private static final Logger LOG = Logger.getLogger(ManifestSigningKey.class);

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    public ManifestSigningKey(AuditIngestConfig config) {
        AuditIngestConfig.Archive archive = config.archive();
        String pem;
        if (archive.signingKey().isPresent()) {
            pem = archive.signingKey().get();
        } else if (archive.signingKeyFile().isPresent()) {
            pem = readOrGenerate(archive.signingKeyFile().get(), archive.generateMissingKey());
        } else {
            throw new IllegalStateException("no archive signing key: set audit-ingest.archive.signing-key (PKCS#8 PEM) or "
                    + "audit-ingest.archive.signing-key-file; create one with: openssl genpkey -algorithm ed25519 -out archive-signing.pem");
        }
        try {
            this.privateKey = ArchiveSignature.privateKey(pem);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("audit-ingest.archive signing key: " + e.getMessage(), e);
        }
        this.publicKey = ArchiveSignature.publicKeyOf(privateKey);
        LOG.infof("archive manifests are signed with Ed25519 key %s", ArchiveSignature.keyId(publicKey));
    }

    private static String readOrGenerate(Path file, boolean generate) {
        try {
            if (!Files.exists(file) && generate) {
                KeyPair pair = KeyPairGenerator.getInstance(ArchiveSignature.ALGORITHM).generateKeyPair();
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pair.getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    // Windows: the directory's ACL applies.
                }
                Files.writeString(Path.of(file + ".pub"), ArchiveSignature.publicKeyPem(pair.getPublic()));
                LOG.infof("generated archive signing key %s (public key in %s.pub)", file, file);
            }
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("archive signing key file " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every Java 15+ runtime", e);
        }
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public PublicKey publicKey() {
        return publicKey;
    }
}
