package io.ccpolicy.engine.audit;

import io.ccpolicy.engine.sign.Ed25519;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A three-hour archive built as audit-ingest builds it, then damaged in each way an auditor must be able to prove. */
class ArchiveVerifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant H0 = Instant.parse("2026-11-24T10:00:00Z");

    private final Map<String, byte[]> bucket = new TreeMap<>();
    private KeyPair keys;

    private final ArchiveVerifier.Storage storage = new ArchiveVerifier.Storage() {
        @Override
        public List<String> list(String prefix) {
            return bucket.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
        }

        @Override
        public byte[] read(String key) {
            return bucket.get(key);
        }
    };

    @BeforeEach
    void buildArchive() throws Exception {
        keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        AuditChain.Head head = AuditChain.Head.START;
        String previousDigest = AuditChain.GENESIS;
        Instant previousHour = null;
        long offset = 0;
        for (int h = 0; h < 3; h++) {
            Instant hour = H0.plus(Duration.ofHours(h));
            List<ArchiveManifest.Entry> entries = new ArrayList<>();
            if (h != 1) { // the middle hour had no events: it still gets a manifest
                List<String> lines = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    Map<String, Object> event = new LinkedHashMap<>();
                    event.put("eventId", "evt_" + h + "_" + i);
                    event.put("timestamp", "2026-11-24T1" + h + ":00:0" + i + "Z");
                    event.put("machine", Map.of("id", "m1"));
                    event.put("action", Map.of("type", "tool_execution", "tool", "Bash", "result", "allowed"));
                    Map<String, Object> sealed = AuditChain.seal(event, head);
                    head = AuditChain.headOf(sealed);
                    lines.add(JSON.writeValueAsString(sealed));
                }
                byte[] object = gzip(String.join("\n", lines) + "\n");
                String key = ArchiveManifest.objectKey(hour, "audit.events.v1", 0, offset, offset + 4);
                bucket.put(key, object);
                entries.add(new ArchiveManifest.Entry(key, "audit.events.v1", 0, offset, offset + 4, 5, object.length, Sha256.hex(object)));
                offset += 5;
            }
            byte[] manifest = ArchiveSignature.sign(new ArchiveManifest(hour, previousHour, previousDigest, entries, hour.plusSeconds(3720)),
                    keys.getPrivate());
            bucket.put(ArchiveManifest.manifestKey(hour), manifest);
            previousDigest = Sha256.hex(manifest);
            previousHour = hour;
        }
    }

    private ArchiveVerifier.Report verify() {
        return new ArchiveVerifier(storage, keys.getPublic(), ArchiveVerifierTest::parse).verify(null, null);
    }

    @Test
    void anIntactArchiveVerifies() {
        ArchiveVerifier.Report report = verify();
        assertThat(report.findings()).isEmpty();
        assertThat(report.manifests()).isEqualTo(3);
        assertThat(report.objects()).isEqualTo(2);
        assertThat(report.events()).isEqualTo(10);
    }

    @Test
    void anAlteredObjectIsNamed() {
        String key = firstObject();
        bucket.put(key, gzip("{\"eventId\":\"evt_forged\"}\n"));
        assertThat(verify().findings()).extracting(ArchiveVerifier.Finding::toString)
                .anySatisfy(f -> assertThat(f).startsWith(key + ": altered: SHA-256 is"));
    }

    @Test
    void aDeletedObjectIsNamed() {
        String key = firstObject();
        bucket.remove(key);
        assertThat(verify().findings()).extracting(ArchiveVerifier.Finding::toString)
                .contains(key + ": listed in its hour's manifest but missing (deleted)");
    }

    @Test
    void aDeletedHourIsNamedEvenWhenItHadNoEvents() {
        bucket.remove(ArchiveManifest.manifestKey(H0.plus(Duration.ofHours(1))));
        assertThat(verify().findings()).extracting(ArchiveVerifier.Finding::toString)
                .contains("manifests/2026-11-24T11.json: missing: the manifest of hour 2026-11-24T12 follows it (hour removed)");
    }

    @Test
    void anEditedManifestFailsItsSignatureAndBreaksTheNextLink() {
        String key = ArchiveManifest.manifestKey(H0);
        bucket.put(key, new String(bucket.get(key), StandardCharsets.UTF_8).replace("\"events\":5", "\"events\":4").getBytes(StandardCharsets.UTF_8));
        assertThat(verify().findings()).extracting(ArchiveVerifier.Finding::toString)
                .contains(key + ": manifest signature does not verify (altered, or not signed by this key)")
                .anySatisfy(f -> assertThat(f).startsWith(key + ": altered or replaced: the manifest of hour 2026-11-24T11 recorded SHA-256"));
    }

    @Test
    void anObjectAddedAfterSealingIsNamed() {
        String extra = ArchiveManifest.objectKey(H0, "audit.events.v1", 0, 100, 100);
        bucket.put(extra, gzip("{}\n"));
        assertThat(verify().findings()).extracting(ArchiveVerifier.Finding::toString)
                .contains(extra + ": not listed in the manifest of hour 2026-11-24T10 (added after the hour was sealed)");
    }

    @Test
    void hourByHourTheWalkFindsWhatTheWholeVerificationFinds() {
        ArchiveVerifier verifier = new ArchiveVerifier(storage, keys.getPublic(), ArchiveVerifierTest::parse);
        ArchiveVerifier.Position at = ArchiveVerifier.Position.START;
        long events = 0;
        for (int h = 0; h < 3; h++) {
            ArchiveVerifier.HourCheck check = verifier.verifyHour(H0.plus(Duration.ofHours(h)), at);
            assertThat(check.findings()).isEmpty();
            events += check.events();
            at = check.next();
        }
        assertThat(events).isEqualTo(10);
        assertThat(at.heads()).containsOnlyKeys("m1");

        String key = firstObject();
        bucket.put(key, gzip("{\"eventId\":\"evt_forged\"}\n"));
        assertThat(verifier.verifyHour(H0, ArchiveVerifier.Position.START).findings()).extracting(ArchiveVerifier.Finding::toString)
                .anySatisfy(f -> assertThat(f).startsWith(key + ": altered: SHA-256 is"));
    }

    @Test
    void anHourAloneMustContinueThePreviousHoursManifestAndChains() {
        ArchiveVerifier verifier = new ArchiveVerifier(storage, keys.getPublic(), ArchiveVerifierTest::parse);
        ArchiveVerifier.HourCheck middle = verifier.verifyHour(H0.plus(Duration.ofHours(1)),
                verifier.verifyHour(H0, ArchiveVerifier.Position.START).next());
        assertThat(verifier.verifyHour(H0.plus(Duration.ofHours(2)), middle.next()).findings()).isEmpty();

        // Positions other than the archive's own: another digest for hour 11, another last event for machine m1.
        ArchiveVerifier.Position forged = new ArchiveVerifier.Position(middle.next().hour(), "0".repeat(64),
                Map.of("m1", new AuditChain.Head(7, "f".repeat(64))));
        assertThat(verifier.verifyHour(H0.plus(Duration.ofHours(2)), forged).findings()).extracting(ArchiveVerifier.Finding::toString)
                .anySatisfy(f -> assertThat(f).startsWith("manifests/2026-11-24T11.json: altered or replaced: the manifest of hour 2026-11-24T12"))
                .anySatisfy(f -> assertThat(f).contains("(machine m1)"));
    }

    @Test
    void theRemovedManifestOfASealedHourIsNamed() {
        ArchiveVerifier verifier = new ArchiveVerifier(storage, keys.getPublic(), ArchiveVerifierTest::parse);
        ArchiveVerifier.HourCheck first = verifier.verifyHour(H0, ArchiveVerifier.Position.START);
        bucket.remove(ArchiveManifest.manifestKey(H0.plus(Duration.ofHours(1))));
        assertThat(verifier.verifyHour(H0.plus(Duration.ofHours(1)), first.next()).findings()).extracting(ArchiveVerifier.Finding::toString)
                .containsExactly("manifests/2026-11-24T11.json: missing: the hour was sealed, but its manifest is not in the archive (removed)");
    }

    @Test
    void anotherKeyIsRefused() throws Exception {
        KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        ArchiveVerifier.Report report = new ArchiveVerifier(storage, other.getPublic(), ArchiveVerifierTest::parse).verify(null, null);
        assertThat(report.findings()).hasSize(3).allSatisfy(f -> assertThat(f.problem()).startsWith("manifest signed with key "));
    }

    @Test
    void keysRoundTripThroughPem() {
        String pem = Ed25519.publicKeyPem(keys.getPublic());
        assertThat(Ed25519.keyId(Ed25519.publicKey(pem))).isEqualTo(Ed25519.keyId(keys.getPublic()));
        assertThat(Ed25519.keyId(Ed25519.publicKeyOf(keys.getPrivate()))).isEqualTo(Ed25519.keyId(keys.getPublic()));
    }

    private String firstObject() {
        return bucket.keySet().stream().filter(k -> k.startsWith(ArchiveManifest.EVENTS_PREFIX)).findFirst().orElseThrow();
    }

    private static Map<String, Object> parse(String text) {
        try {
            return JSON.readValue(text, new TypeReference<>() { });
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private static byte[] gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
