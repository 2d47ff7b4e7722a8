package io.ccpolicy.audit.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.engine.audit.ArchiveManifest;
import io.ccpolicy.engine.audit.ArchiveSignature;
import io.ccpolicy.engine.audit.ArchiveVerifier;
import io.ccpolicy.engine.audit.AuditChain;
import io.ccpolicy.engine.audit.Sha256;
import io.ccpolicy.testinfra.S3ProxyServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * What verifying a month of the S3 archive costs: 1,000,000 chained events over 720 sealed hours (6 partitions, 50
 * machines) written in audit-ingest's archive format to s3proxy, then (baseline) every object fetched and unzipped,
 * (before) the whole month verified in one pass, as each report used to do, and (now) the same hours verified one by one
 * from the stored position, as the background sweep does once per sealed hour; a report now reads the recorded results.
 *
 * <p>{@code ./mvnw -q -pl audit-ingest -am -Dbench=audit-ingest package -DskipTests exec:exec@archive}
 */
public final class ArchiveVerificationBenchmark {

    private static final int EVENTS = 1_000_000;
    private static final int HOURS = 720;
    private static final int PARTITIONS = 6;
    private static final int MACHINES = 50;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() { };

    private ArchiveVerificationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        try (S3ProxyServer server = S3ProxyServer.start(); S3Client s3 = S3Client.builder().endpointOverride(URI.create(server.endpoint()))
                .region(Region.US_EAST_1).forcePathStyle(true).httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3ProxyServer.IDENTITY, S3ProxyServer.CREDENTIAL)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build()) {
            String bucket = "archive-bench";
            s3.createBucket(b -> b.bucket(bucket));
            KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            Instant first = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(HOURS + 1L));
            System.out.printf("archive verification benchmark: writing %,d chained events over %d sealed hours to s3proxy%n", EVENTS, HOURS);
            write(s3, bucket, keys, first);

            ArchiveVerifier.Storage storage = new ArchiveVerifier.Storage() {
                @Override
                public List<String> list(String prefix) {
                    return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream().map(S3Object::key).toList();
                }

                @Override
                public byte[] read(String key) {
                    return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
                }
            };
            ArchiveVerifier verifier = new ArchiveVerifier(storage, keys.getPublic(), ArchiveVerificationBenchmark::parse);
            Instant last = first.plus(Duration.ofHours(HOURS - 1L));

            long began = System.nanoTime();
            long lines = 0;
            for (String key : storage.list(ArchiveManifest.EVENTS_PREFIX)) {
                lines += unzip(storage.read(key)).lines().count();
            }
            double baseline = (System.nanoTime() - began) / 1e9;

            began = System.nanoTime();
            ArchiveVerifier.Report whole = verifier.verify(first, last);
            double wholeMonth = (System.nanoTime() - began) / 1e9;
            check(whole.intact() && whole.events() == EVENTS, "whole-month verification: " + whole.findings().size() + " findings, "
                    + whole.events() + " events");

            began = System.nanoTime();
            ArchiveVerifier.Position at = ArchiveVerifier.Position.START;
            long swept = 0;
            for (int h = 0; h < HOURS; h++) {
                ArchiveVerifier.HourCheck check = verifier.verifyHour(first.plus(Duration.ofHours(h)), at);
                check(check.intact(), "hour " + h + ": " + check.findings());
                swept += check.events();
                at = check.next();
            }
            double sweep = (System.nanoTime() - began) / 1e9;
            check(swept == EVENTS, "the sweep verified " + swept + " events");

            System.out.printf("  baseline, fetch and unzip every object (%,d lines):        %6.1f s%n", lines, baseline);
            System.out.printf("  whole month verified in one pass (each report, before):  %6.1f s  (%.1f x baseline)%n", wholeMonth, wholeMonth / baseline);
            System.out.printf("  hour by hour from the stored position (the sweep, now): %6.1f s  (%.1f x baseline), %.0f ms per sealed hour%n",
                    sweep, sweep / baseline, sweep * 1000 / HOURS);
        }
    }

    private static void write(S3Client s3, String bucket, KeyPair keys, Instant first) throws Exception {
        Map<String, AuditChain.Head> heads = new LinkedHashMap<>();
        String previousDigest = AuditChain.GENESIS;
        Instant previousHour = null;
        int perHour = EVENTS / HOURS;
        long offset = 0;
        long g = 0;
        for (int h = 0; h < HOURS; h++) {
            Instant hour = first.plus(Duration.ofHours(h));
            int events = h == HOURS - 1 ? EVENTS - perHour * (HOURS - 1) : perHour;
            List<ArchiveManifest.Entry> entries = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                StringBuilder ndjson = new StringBuilder();
                int count = 0;
                for (int i = p; i < events; i += PARTITIONS) {
                    // One machine's events stay in one partition (keyed by machine), in order.
                    String machine = "machine-" + (p + PARTITIONS * (i % (MACHINES / PARTITIONS)));
                    ndjson.append(JSON.writeValueAsString(event(g++, machine, hour.plusMillis(i), heads))).append('\n');
                    count++;
                }
                byte[] body = gzip(ndjson.toString());
                String key = ArchiveManifest.objectKey(hour, "audit.events.v1", p, offset, offset + count - 1);
                s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(body));
                entries.add(new ArchiveManifest.Entry(key, "audit.events.v1", p, offset, offset + count - 1, count, body.length, Sha256.hex(body)));
                offset += count;
            }
            byte[] manifest = ArchiveSignature.sign(new ArchiveManifest(hour, previousHour, previousDigest, entries, hour.plusSeconds(3720)),
                    keys.getPrivate());
            s3.putObject(b -> b.bucket(bucket).key(ArchiveManifest.manifestKey(hour)), RequestBody.fromBytes(manifest));
            previousDigest = Sha256.hex(manifest);
            previousHour = hour;
            if (h % 24 == 23) {
                System.out.printf("\r  %d of %d days written", (h + 1) / 24, HOURS / 24);
            }
        }
        System.out.println();
    }

    private static Map<String, Object> event(long g, String machine, Instant at, Map<String, AuditChain.Head> heads) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "1.0");
        event.put("eventId", "evt_" + g);
        event.put("timestamp", at.toString());
        event.put("eventType", "PreToolUse");
        event.put("user", Map.of("email", "user" + (g % 500) + "@acme.com", "teams", List.of("team" + (g % 20))));
        event.put("machine", Map.of("id", machine, "hostname", "laptop-" + machine));
        event.put("session", Map.of("id", "sess-" + (g / 100), "projectPath", "/home/dev/project-" + (g % 30)));
        event.put("action", Map.of("type", "tool_execution", "tool", "Bash", "params", Map.of("command", "npm test -- --shard " + g),
                "result", g % 10 == 0 ? "denied" : "allowed"));
        event.put("decision", Map.of("id", "dec_" + g, "verdict", g % 10 == 0 ? "deny" : "allow"));
        Map<String, Object> sealed = AuditChain.seal(event, heads.getOrDefault(machine, AuditChain.Head.START));
        heads.put(machine, AuditChain.headOf(sealed));
        return sealed;
    }

    private static Map<String, Object> parse(String text) {
        try {
            return JSON.readValue(text, OBJECT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private static String unzip(byte[] body) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }
}
