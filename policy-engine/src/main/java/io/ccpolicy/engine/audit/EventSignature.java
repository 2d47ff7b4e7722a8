package io.ccpolicy.engine.audit;

import io.ccpolicy.engine.sign.Ed25519;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Each audit event is signed at the source with its machine's enrolled Ed25519 key: the signature covers the event's
 * chain {@code hash}, which covers its content, {@code seq} and {@code prev_hash}, so one signature per event
 * authenticates the event and its place in the chain, and every record verifies on its own (Kafka partitions, dead
 * letters and archive objects never need a neighbour). Signing happens when the event is recorded, before it reaches
 * the spool, so rewriting the spool and its (unkeyed) chain needs the machine's private key.
 */
public final class EventSignature {

    public static final String FIELD = "signature";

    private EventSignature() {
    }

    /** The sealed event with its signature added. */
    public static Map<String, Object> sign(Map<String, Object> sealed, PrivateKey key) {
        return sign(sealed, Ed25519.signer(key));
    }

    public static Map<String, Object> sign(Map<String, Object> sealed, io.ccpolicy.engine.sign.Signer signer) {
        Map<String, Object> signed = new LinkedHashMap<>(sealed);
        signed.put(FIELD, Ed25519.signatureBlock(signer, String.valueOf(sealed.get("hash"))));
        return signed;
    }

    /** Empty when the event's content matches its hash and the hash carries a valid signature by {@code key}; else why not. */
    public static Optional<String> problem(Map<String, Object> event, PublicKey key) {
        if (!(event.get(FIELD) instanceof Map<?, ?>)) {
            return Optional.of("is not signed");
        }
        if (!(event.get("hash") instanceof String hash) || !AuditChain.hash(event).equals(hash)) {
            return Optional.of("content does not match its hash (altered)");
        }
        try {
            Ed25519.checkSignatureBlock(event.get(FIELD), key, hash, "event");
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }
}
