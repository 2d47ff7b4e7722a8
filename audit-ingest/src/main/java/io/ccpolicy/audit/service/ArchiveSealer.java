package io.ccpolicy.audit.service;

import io.ccpolicy.audit.config.AuditIngestConfig;
import io.ccpolicy.audit.repository.ArchiveRepository;
import io.ccpolicy.engine.audit.ArchiveManifest;
import io.ccpolicy.engine.audit.ArchiveSignature;
import io.ccpolicy.engine.audit.AuditChain;
import io.ccpolicy.engine.audit.Sha256;
import io.ccpolicy.service.keys.SigningKey;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Seals archive hours in order, once each hour is over (plus a delay for in-flight batches): writes the signed manifest
 * listing the hour's objects and the previous manifest's digest, and lists as abandoned the objects of that hour that no
 * committed batch recorded (left by a batch that failed after its upload): the archive is write-once, nothing is deleted. Every hour from the archive's first gets a manifest,
 * empty ones included, so a missing hour is provable. Several instances may run this; the hour's row lock picks one.
 */
@ApplicationScoped
public class ArchiveSealer {

    private static final Logger LOG = Logger.getLogger(ArchiveSealer.class);

    private final ArchiveRepository archive;
    private final ArchiveStore store;
    private final SigningKey key;
    private final Clock clock;
    private final Duration sealDelay;
    private volatile String lastError;

    public ArchiveSealer(ArchiveRepository archive, ArchiveStore store, SigningKey key, Clock clock, AuditIngestConfig config) {
        this.archive = archive;
        this.store = store;
        this.key = key;
        this.clock = clock;
        this.sealDelay = config.archive().sealDelay();
    }

    @Scheduled(every = "${audit-ingest.archive.seal-every:1m}", delayed = "${audit-ingest.archive.seal-first-after:30s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sealDueHours() {
        try {
            sealThrough(ArchiveManifest.hourOf(clock.instant().minus(sealDelay)).minus(Duration.ofHours(1)));
            lastError = null;
        } catch (RuntimeException e) {
            lastError = e.getMessage();
            LOG.warnf("sealing archive hours failed, retrying at the next round: %s", e.getMessage());
        }
    }

    /** Seals every unsealed hour up to and including {@code lastHour}; returns the hours sealed. */
    public List<Instant> sealThrough(Instant lastHour) {
        List<Instant> sealed = new ArrayList<>();
        while (true) {
            Optional<Instant> hour = QuarkusTransaction.requiringNew().call(() -> sealNext(lastHour));
            if (hour.isEmpty()) {
                return sealed;
            }
            sealed.add(hour.get());
        }
    }

    /** The last error of the scheduled sealing, or null. */
    public String lastError() {
        return lastError;
    }

    private Optional<Instant> sealNext(Instant lastHour) throws Exception {
        Optional<ArchiveRepository.SealedHour> previous = archive.lastSealed();
        Instant next = previous.isPresent() ? previous.get().hour().plus(Duration.ofHours(1)) : archive.firstHour().orElse(null);
        if (next == null || next.isAfter(lastHour)) {
            return Optional.empty();
        }
        if (!archive.lockHourForSealing(next)) {
            return Optional.of(next);
        }
        List<ArchiveManifest.Entry> objects = archive.objectsOf(next);
        Set<String> listed = objects.stream().map(ArchiveManifest.Entry::key).collect(Collectors.toSet());
        List<String> abandoned = store.keys(ArchiveManifest.EVENTS_PREFIX + ArchiveManifest.hourLabel(next) + "/").stream()
                .filter(key -> !listed.contains(key)).sorted().toList();
        ArchiveManifest manifest = new ArchiveManifest(next, previous.map(ArchiveRepository.SealedHour::hour).orElse(null),
                previous.map(ArchiveRepository.SealedHour::manifestSha256).orElse(AuditChain.GENESIS), objects, abandoned, clock.instant());
        byte[] signed = ArchiveSignature.sign(manifest, key.privateKey());
        store.writeManifest(manifest.key(), signed);
        archive.markSealed(next, manifest.key(), Sha256.hex(signed), objects, clock.instant());
        LOG.infof("sealed archive hour %s: %d object(s), %d event(s)%s", ArchiveManifest.hourLabel(next), objects.size(),
                objects.stream().mapToLong(ArchiveManifest.Entry::events).sum(),
                abandoned.isEmpty() ? "" : ", " + abandoned.size() + " object(s) of failed batches listed as abandoned");
        return Optional.of(next);
    }
}
