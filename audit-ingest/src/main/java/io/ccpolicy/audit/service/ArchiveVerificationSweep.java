package io.ccpolicy.audit.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.audit.config.AuditIngestConfig;
import io.ccpolicy.audit.repository.ArchiveVerificationRepository.Cursor;
import io.ccpolicy.audit.repository.ArchiveVerificationRepository.HourResult;
import io.ccpolicy.audit.repository.ArchiveVerificationRepository;
import io.ccpolicy.audit.rest.dto.ArchiveVerificationView;
import io.ccpolicy.engine.audit.ArchiveManifest;
import io.ccpolicy.engine.audit.ArchiveVerifier;
import io.ccpolicy.engine.audit.AuditChain;
import io.ccpolicy.service.keys.SigningKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Verifies each sealed hour of the S3 archive once it is sealed (manifest signature and chain, objects' presence and
 * SHA-256, unlisted objects, the events' hash chains continued from the previous hour), and PostgreSQL's rows of that
 * hour against the archived events (a row deleted, altered or added after ingest), and records the result, so a
 * report over a month reads 720 results instead of re-reading a million events. Sweeps start again at the archive's
 * first hour every {@code reverify-after}, so later tampering is found too. The sweep's position is stored: a restart
 * or another instance carries on where it stopped; an hour verified by two instances at once is recorded once.
 */
@ApplicationScoped
public class ArchiveVerificationSweep {

    private static final Logger LOG = Logger.getLogger(ArchiveVerificationSweep.class);
    private static final TypeReference<Map<String, AuditChain.Head>> HEADS = new TypeReference<>() { };
    private static final TypeReference<List<ArchiveVerifier.Finding>> FINDINGS = new TypeReference<>() { };
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() { };

    private final ArchiveVerificationRepository results;
    private final ArchiveVerifier verifier;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration reverifyAfter;
    private final int retentionDays;
    private final Counter hoursVerified;
    private final Counter findingsFound;
    private volatile String lastError;

    public ArchiveVerificationSweep(ArchiveVerificationRepository results, ArchiveStore store, SigningKey key, ObjectMapper json,
            Clock clock, AuditIngestConfig config, MeterRegistry metrics) {
        this.results = results;
        this.hoursVerified = metrics.counter("audit.archive.hours.verified");
        // Alert on any increase: something in the archive was altered, removed or added after sealing.
        this.findingsFound = metrics.counter("audit.archive.verification.findings");
        this.json = json;
        this.clock = clock;
        this.reverifyAfter = config.archive().reverifyAfter();
        this.retentionDays = config.retentionDays();
        this.verifier = new ArchiveVerifier(new ArchiveVerifier.Storage() {
            @Override
            public List<String> list(String prefix) {
                return store.keys(prefix);
            }

            @Override
            public byte[] read(String objectKey) {
                return store.read(objectKey);
            }
        }, key.publicKey(), this::parse);
    }

    @Scheduled(every = "${audit-ingest.archive.verify-every:1m}", delayed = "${audit-ingest.archive.verify-first-after:45s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void verifyDueHours() {
        try {
            verifyDue();
            lastError = null;
        } catch (RuntimeException e) {
            lastError = e.getMessage();
            LOG.warnf("verifying archive hours failed, retrying at the next round: %s", e.getMessage());
        }
    }

    /** The last error of the scheduled verification, or null. */
    public String lastError() {
        return lastError;
    }

    /**
     * Verifies the sealed hours this sweep has not verified yet, in order, starting a new sweep first when the current
     * one is {@code reverify-after} old; returns the hours verified.
     */
    public List<Instant> verifyDue() {
        List<Instant> verified = new ArrayList<>();
        boolean restarted = false;
        while (true) {
            Cursor cursor = QuarkusTransaction.requiringNew().call(() -> results.cursor(clock.instant(), false));
            Optional<Instant> next = QuarkusTransaction.requiringNew().call(() -> results.sealedHourAfter(cursor.hour()));
            if (next.isEmpty()) {
                if (restarted || cursor.hour() == null || clock.instant().isBefore(cursor.sweepStartedAt().plus(reverifyAfter))) {
                    return verified;
                }
                restartSweep();
                restarted = true;
                continue;
            }
            Instant hour = next.get();
            // Rows of hours past retention are gone by design; only the archive is checked for those.
            boolean rowsKept = hour.isAfter(clock.instant().minus(Duration.ofDays(retentionDays)));
            StoredHourCheck stored = new StoredHourCheck(results, this::parse, hour);
            ArchiveVerifier.HourCheck archived = verifier.verifyHour(hour, new ArchiveVerifier.Position(cursor.hour(), cursor.manifestSha256(),
                    read(cursor.heads(), HEADS)), rowsKept ? stored : ArchiveVerifier.ObjectEvents.NONE);
            List<ArchiveVerifier.Finding> all = new ArrayList<>(archived.findings());
            if (rowsKept) {
                all.addAll(stored.finish());
            }
            ArchiveVerifier.HourCheck check = new ArchiveVerifier.HourCheck(hour, List.copyOf(all), archived.notes(), archived.objects(),
                    archived.events(), archived.next());
            Instant verifiedAt = clock.instant();
            boolean mine = QuarkusTransaction.requiringNew().call(() -> {
                Cursor current = results.cursor(verifiedAt, true);
                if (!Objects.equals(current.hour(), cursor.hour()) || !current.sweepStartedAt().equals(cursor.sweepStartedAt())) {
                    return false; // another instance verified this hour meanwhile
                }
                results.record(new HourResult(hour, verifiedAt, check.objects(), check.events(), write(check.findings())));
                results.moveCursor(new Cursor(hour, check.next().manifestSha256(), write(check.next().heads()), cursor.sweepStartedAt()));
                return true;
            });
            if (mine) {
                verified.add(hour);
                hoursVerified.increment();
                findingsFound.increment(check.findings().size());
                if (!check.intact()) {
                    LOG.errorf("archive hour %s failed verification: %s", ArchiveManifest.hourLabel(hour), check.findings());
                }
            }
        }
    }

    /** Starts a new sweep at the archive's first sealed hour (results of the last sweep stand until each hour is verified again). */
    public void restartSweep() {
        QuarkusTransaction.requiringNew().call(() -> {
            results.cursor(clock.instant(), true);
            results.moveCursor(new Cursor(null, null, "{}", clock.instant()));
            return null;
        });
    }

    /** The recorded verification of the sealed hours in [from, to]. */
    public ArchiveVerificationView results(Instant from, Instant to) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<HourResult> hours = results.results(from, to);
            List<ArchiveVerificationView.Finding> findings = new ArrayList<>();
            for (HourResult hour : hours) {
                for (ArchiveVerifier.Finding f : read(hour.findings(), FINDINGS)) {
                    findings.add(new ArchiveVerificationView.Finding(hour.hour(), f.where(), f.problem(), hour.verifiedAt()));
                }
            }
            return new ArchiveVerificationView(from, to, results.sealedHours(from, to), hours.size(),
                    hours.stream().mapToLong(HourResult::objects).sum(), hours.stream().mapToLong(HourResult::events).sum(),
                    hours.stream().map(HourResult::verifiedAt).min(Instant::compareTo).orElse(null),
                    hours.stream().map(HourResult::verifiedAt).max(Instant::compareTo).orElse(null), findings);
        });
    }

    private Map<String, Object> parse(String text) {
        return read(text, OBJECT);
    }

    private <T> T read(String text, TypeReference<T> type) {
        try {
            return json.readValue(text, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
