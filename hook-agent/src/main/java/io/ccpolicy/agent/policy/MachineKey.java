package io.ccpolicy.agent.policy;

import io.ccpolicy.agent.config.OwnerOnlyFiles;
import io.ccpolicy.engine.sign.Ed25519;
import io.ccpolicy.engine.sign.Signer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * This machine's Ed25519 key: it signs every audit event at the source, and its public half is enrolled with
 * policy-service for the signed-in developer. Created on first use, readable by the agent's user only.
 */
public record MachineKey(PrivateKey privateKey, PublicKey publicKey) {

    private static final String FILE = "machine-key.pem";

    public static MachineKey load(Path stateDir) throws IOException {
        Path file = stateDir.resolve(FILE);
        if (!Files.exists(file)) {
            KeyPair pair = Ed25519.generate();
            OwnerOnlyFiles.create(file, Ed25519.privateKeyPem(pair.getPrivate())); // another process first: its key is used
        }
        try {
            PrivateKey key = Ed25519.privateKey(Files.readString(file));
            return new MachineKey(key, Ed25519.publicKeyOf(key));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " holds no usable Ed25519 key (" + e.getMessage() + ")", e);
        }
    }

    public String publicKeyPem() {
        return Ed25519.publicKeyPem(publicKey);
    }

    public String keyId() {
        return Ed25519.keyId(publicKey);
    }

    /** The signer of every audit event this machine records (Bouncy Castle's Ed25519: the agent signs on the hook path). */
    public Signer signer() {
        return Ed25519.signer(privateKey);
    }

    @Override
    public String toString() {
        return "MachineKey[" + keyId() + "]";
    }
}
