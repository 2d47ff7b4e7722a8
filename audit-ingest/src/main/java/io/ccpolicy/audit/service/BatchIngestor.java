package io.ccpolicy.audit.service;

import io.ccpolicy.audit.domain.IncomingEvent;
import io.ccpolicy.audit.messaging.DeadLetters;
import io.ccpolicy.audit.repository.ArchiveRepository;
import io.ccpolicy.audit.repository.IngestRepository;
import io.ccpolicy.engine.audit.ArchiveManifest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import io.ccpolicy.audit.config.AuditIngestConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One batch of audit.events.v1 in one transaction: invalid records to the dead-letter topic, new events into PostgreSQL
 * (set-based, idempotent on eventId), chain checks, and one archive object per Kafka partition holding exactly the
 * events that were new. If anything fails the transaction rolls back and the caller re-reads the same records; an
 * archive object left by a failed attempt is listed by no manifest and is removed when its hour is sealed. So every
 * event reaches PostgreSQL and the archive once, whatever fails and however often.
 */
@ApplicationScoped
public class BatchIngestor {

    /** What a batch did. */
    public record Result(int records, int stored, int duplicates, int deadLettered, int findings, int archiveObjects) {
    }

    private final AuditEventRecords parser;
    private final DeadLetters deadLetters;
    private final IngestRepository events;
    private final ChainVerifier chains;
    private final ArchiveRepository archive;
    private final ArchiveStore store;
    private final Clock clock;
    private final AuditIngestConfig.Clock tolerance;
    private final EventAuthenticity authenticity;

    public BatchIngestor(AuditEventRecords parser, DeadLetters deadLetters, IngestRepository events, ChainVerifier chains,
            ArchiveRepository archive, ArchiveStore store, Clock clock, AuditIngestConfig config, EventAuthenticity authenticity) {
        this.parser = parser;
        this.deadLetters = deadLetters;
        this.events = events;
        this.chains = chains;
        this.archive = archive;
        this.store = store;
        this.clock = clock;
        this.tolerance = config.clock();
        this.authenticity = authenticity;
    }

    @Transactional(rollbackOn = Exception.class)
    public Result ingest(List<ConsumerRecord<String, String>> records) throws Exception {
        Instant now = clock.instant();
        List<IncomingEvent> parsed = new ArrayList<>(records.size());
        List<ConsumerRecord<String, String>> parsedFrom = new ArrayList<>(records.size());
        List<DeadLetters.DeadLetter> refused = new ArrayList<>();
        // parsing is a third of the work and each record stands alone: in parallel, then taken in the records' order
        Object[] outcomes = records.parallelStream().map(record -> {
            try {
                return (Object) parser.parse(record.value(), record.partition(), record.offset());
            } catch (InvalidAuditEventException e) {
                return e.getMessage();
            }
        }).toArray();
        for (int i = 0; i < outcomes.length; i++) {
            if (outcomes[i] instanceof IncomingEvent event) {
                parsed.add(event);
                parsedFrom.add(records.get(i));
            } else {
                refused.add(new DeadLetters.DeadLetter(records.get(i), (String) outcomes[i]));
            }
        }
        List<IncomingEvent> valid = new ArrayList<>(parsed.size());
        List<IngestRepository.Finding> forged = new ArrayList<>();
        Map<String, String> unverified = new HashMap<>();
        Map<String, io.ccpolicy.engine.audit.EnrolmentChange> enrolled = parsed.isEmpty() ? Map.of() : authenticity.enrolmentsOf(parsed);
        for (int i = 0; i < parsed.size(); i++) {
            IncomingEvent event = parsed.get(i);
            EventAuthenticity.Verdict verdict = authenticity.check(event, enrolled);
            if (verdict.isRefused()) {
                refused.add(new DeadLetters.DeadLetter(parsedFrom.get(i), verdict.refusal()));
                // reports list refused events as integrity findings: a forgery attempt is evidence too
                forged.add(finding(event, IngestRepository.Finding.REJECTED, verdict.refusal()));
            } else {
                valid.add(event);
                if (verdict.unverified() != null) {
                    unverified.put(event.eventId(), verdict.unverified());
                }
            }
        }
        events.recordFindings(forged, now);
        deadLetters.send(refused);
        if (valid.isEmpty()) {
            return new Result(records.size(), 0, 0, refused.size(), 0, 0);
        }
        events.ensurePartition(now);
        Set<String> inserted = new HashSet<>(events.insertNew(valid, unverified, now));
        // A record delivered twice in one batch is stored once: keep its first copy.
        List<IncomingEvent> fresh = valid.stream().filter(e -> inserted.remove(e.eventId())).toList();
        int findings = fresh.isEmpty() ? 0 : chains.verify(fresh, now) + flagClocks(fresh, now);
        int objects = archiveFresh(records.get(0).topic(), fresh, now);
        return new Result(records.size(), fresh.size(), valid.size() - fresh.size(), refused.size(), findings, objects);
    }

    /**
     * Flags events whose agent timestamp lies too far from ingest time. They are stored and partitioned by ingest time
     * all the same; the flag tells an auditor not to trust that event's timestamp.
     */
    private int flagClocks(List<IncomingEvent> fresh, Instant now) throws java.sql.SQLException {
        List<IngestRepository.Finding> flagged = new ArrayList<>();
        for (IncomingEvent event : fresh) {
            Duration offset = Duration.between(now, event.occurredAt());
            boolean ahead = offset.compareTo(tolerance.futureTolerance()) > 0;
            if (ahead || offset.negated().compareTo(tolerance.pastTolerance()) > 0) {
                flagged.add(finding(event, IngestRepository.Finding.CLOCK, "timestamp " + event.occurredAt() + " is " + describe(offset.abs())
                        + (ahead ? " ahead of" : " behind") + " ingest time " + now + " (the machine's clock is wrong, or the event was held back)"));
            }
        }
        events.recordFindings(flagged, now);
        return flagged.size();
    }

    private static IngestRepository.Finding finding(IncomingEvent event, String kind, String problem) {
        return new IngestRepository.Finding(event.machineId(), event.eventId(), event.event().get("seq") instanceof Number seq ? seq.longValue() : null,
                kind, problem);
    }

    private static String describe(Duration d) {
        return d.toDays() >= 2 ? d.toDays() + " days" : d.toHours() >= 2 ? d.toHours() + " hours" : d.toMinutes() + " minutes";
    }

    /** A record the store refused on its own goes to the dead-letter topic with the reason, acknowledged before it returns. */
    public void deadLetter(ConsumerRecord<String, String> record, String reason) throws Exception {
        deadLetters.send(List.of(new DeadLetters.DeadLetter(record, reason)));
    }

    private int archiveFresh(String topic, List<IncomingEvent> fresh, Instant now) throws Exception {
        if (fresh.isEmpty()) {
            return 0;
        }
        Instant hour = ArchiveManifest.hourOf(now);
        if (!archive.lockHourForWriting(hour)) {
            throw new IllegalStateException("archive hour " + ArchiveManifest.hourLabel(hour) + " is already sealed; the batch is retried");
        }
        Map<Integer, List<IncomingEvent>> byPartition = new LinkedHashMap<>();
        for (IncomingEvent event : fresh) {
            byPartition.computeIfAbsent(event.partition(), k -> new ArrayList<>()).add(event);
        }
        List<ArchiveManifest.Entry> written = new ArrayList<>();
        for (Map.Entry<Integer, List<IncomingEvent>> partition : byPartition.entrySet()) {
            List<IncomingEvent> events = partition.getValue();
            written.add(store.writeObject(hour, topic, partition.getKey(), events.get(0).offset(), events.get(events.size() - 1).offset(),
                    events));
        }
        archive.recordObjects(hour, written, now);
        return written.size();
    }
}
