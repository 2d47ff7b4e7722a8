package io.ccpolicy.audit.service;

import io.ccpolicy.audit.domain.AuditFilter;
import io.ccpolicy.service.domain.DomainException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.audit.entity.AuditEventEntity;
import io.ccpolicy.audit.repository.AuditEventRepository;
import io.ccpolicy.audit.rest.dto.AuditEventView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.UncheckedIOException;
import java.util.Optional;

@ApplicationScoped
public class AuditQueryService {

    private final AuditEventRepository events;
    private final ObjectMapper json;

    public AuditQueryService(AuditEventRepository events, ObjectMapper json) {
        this.events = events;
        this.json = json;
    }

    /** One page of events and the cursor for the next (null at the end). */
    public record Page(java.util.List<AuditEventView> events, String nextCursor) {
    }

    public Page search(AuditFilter filter, String cursor, int limit) {
        return search(filter, cursor, limit, false);
    }

    /** With {@code newestFirst} the pages run from the newest event backwards. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Page search(AuditFilter filter, String cursor, int limit, boolean newestFirst) {
        java.time.Instant afterTime = null;
        String afterId = null;
        if (cursor != null) {
            String decoded;
            try {
                decoded = new String(java.util.Base64.getUrlDecoder().decode(cursor), java.nio.charset.StandardCharsets.UTF_8);
                int bar = decoded.indexOf('|');
                afterTime = java.time.Instant.parse(decoded.substring(0, bar));
                afterId = decoded.substring(bar + 1);
            } catch (RuntimeException e) {
                throw new DomainException.Invalid("cursor is not one this API issued: " + cursor);
            }
        }
        java.util.List<AuditEventEntity> rows = events.search(filter, afterTime, afterId, limit + 1, newestFirst);
        boolean more = rows.size() > limit;
        java.util.List<AuditEventEntity> page = more ? rows.subList(0, limit) : rows;
        String next = null;
        if (more) {
            AuditEventEntity last = page.get(page.size() - 1);
            next = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString((last.occurredAt + "|" + last.eventId)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return new Page(page.stream().map(this::view).toList(), next);
    }

    /** One group of an aggregate: its key and how many events fall in it. */
    public record Count(String key, long count) {
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public java.util.List<Count> counts(String by, java.time.Instant from, java.time.Instant to) {
        return events.counts(by, from, to).stream().map(row -> new Count(String.valueOf(row[0]), ((Number) row[1]).longValue())).toList();
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<AuditEventView> find(String eventId) {
        return events.findByIdOptional(eventId).map(this::view);
    }

    private AuditEventView view(AuditEventEntity e) {
        try {
            return new AuditEventView(e.eventId, e.machineId, e.eventType, e.occurredAt, e.ingestedAt, e.unverified,
                    json.readTree(e.payload));
        } catch (JsonProcessingException ex) {
            throw new UncheckedIOException("stored payload of " + e.eventId + " is not JSON", ex);
        }
    }
}
