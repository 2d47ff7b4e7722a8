package io.ccpolicy.agent.policy;

import io.ccpolicy.agent.config.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Numbers the agent must never see go down (the highest bundle revision it enforced, the latest time it saw), kept in
 * the state directory with an HMAC under a per-install key readable by the agent's user only. An edited value is
 * detected and reported as tampering; a file put back from an older copy of the state directory is not (no local
 * state can tell): the server's revision, once reached, corrects that.
 */
public final class SignedState {

    /** A value whose MAC does not verify. */
    public static final class Tampered extends IOException {
        Tampered(String message) {
            super(message);
        }
    }

    private final Path dir;
    private final byte[] key;

    private SignedState(Path dir, byte[] key) {
        this.dir = dir;
        this.key = key;
    }

    public static SignedState open(Path stateDir) throws IOException {
        Path keyFile = stateDir.resolve("state-key");
        if (!Files.exists(keyFile)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            OwnerOnlyFiles.create(keyFile, HexFormat.of().formatHex(random) + "\n");
        }
        byte[] key = HexFormat.of().parseHex(Files.readString(keyFile).trim());
        return new SignedState(Files.createDirectories(stateDir.resolve("signed")), key);
    }

    /** The stored value, empty when none was stored; {@link Tampered} when the file was edited. */
    public OptionalLong read(String name) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            return OptionalLong.empty();
        }
        String[] parts = Files.readString(file).trim().split(" ");
        if (parts.length != 2 || !MessageDigest.isEqual(mac(name, parts[0]).getBytes(StandardCharsets.US_ASCII),
                parts[1].getBytes(StandardCharsets.US_ASCII))) {
            throw new Tampered(file + " was altered outside the agent");
        }
        try {
            return OptionalLong.of(Long.parseLong(parts[0]));
        } catch (NumberFormatException e) {
            throw new Tampered(file + " holds no number");
        }
    }

    /** Stores {@code value} when it is higher than what is stored (or nothing is); returns the value now stored. */
    public synchronized long raise(String name, long value) throws IOException {
        OptionalLong stored;
        try {
            stored = read(name);
        } catch (Tampered e) {
            stored = OptionalLong.empty(); // the caller saw the tampering when it read; a verified value replaces it
        }
        if (stored.isPresent() && stored.getAsLong() >= value) {
            return stored.getAsLong();
        }
        OwnerOnlyFiles.replace(dir.resolve(name), value + " " + mac(name, Long.toString(value)) + "\n");
        return value;
    }

    private String mac(String name, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((name + "=" + value).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
