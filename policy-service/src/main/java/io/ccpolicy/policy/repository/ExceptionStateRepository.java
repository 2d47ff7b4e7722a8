package io.ccpolicy.policy.repository;

import io.ccpolicy.engine.bundle.ExceptionStateChange;
import io.ccpolicy.policy.entity.ExceptionStateEntity;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import org.hibernate.query.NativeQuery;
import org.hibernate.type.StandardBasicTypes;

@ApplicationScoped
public class ExceptionStateRepository implements PanacheRepositoryBase<ExceptionStateEntity, String> {

    private static final String UPSERT = """
            insert into exception_state (id, version, state, policy_name, value, scope_type, subject, requester, reason, decided_by,
                                         expires_at, requested_at, decided_at, change_seq)
            values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, nextval('exception_state_change_seq'))
            on conflict (id) do update set version = excluded.version, state = excluded.state, policy_name = excluded.policy_name,
                value = excluded.value, scope_type = excluded.scope_type, subject = excluded.subject, requester = excluded.requester,
                reason = excluded.reason, decided_by = excluded.decided_by, expires_at = excluded.expires_at,
                requested_at = excluded.requested_at, decided_at = excluded.decided_at, change_seq = excluded.change_seq
            where exception_state.version < excluded.version
            """;

    /** Stores the state unless a newer one is already held (redelivery and reordering are harmless); true when stored. */
    public boolean storeIfNewer(ExceptionStateChange change) {
        // Typed binding: several values may be null, and PostgreSQL must still know their types.
        NativeQuery<?> upsert = getEntityManager().createNativeQuery(UPSERT).unwrap(NativeQuery.class);
        upsert.setParameter(1, change.id(), StandardBasicTypes.STRING)
                .setParameter(2, change.version(), StandardBasicTypes.LONG)
                .setParameter(3, change.state(), StandardBasicTypes.STRING)
                .setParameter(4, change.policy(), StandardBasicTypes.STRING)
                .setParameter(5, change.value(), StandardBasicTypes.STRING)
                .setParameter(6, change.scope(), StandardBasicTypes.STRING)
                .setParameter(7, change.subject(), StandardBasicTypes.STRING)
                .setParameter(8, change.requester(), StandardBasicTypes.STRING)
                .setParameter(9, change.reason(), StandardBasicTypes.STRING)
                .setParameter(10, change.decidedBy(), StandardBasicTypes.STRING)
                .setParameter(11, change.expiresAt(), StandardBasicTypes.INSTANT)
                .setParameter(12, change.requestedAt(), StandardBasicTypes.INSTANT)
                .setParameter(13, change.decidedAt(), StandardBasicTypes.INSTANT);
        return upsert.executeUpdate() > 0;
    }

    /** Approved and not expired at {@code now}, or pending. */
    public List<ExceptionStateChange> inForce(Instant now) {
        return list("state = 'pending' or (state = 'approved' and expiresAt > ?1)", now).stream().map(ExceptionStateRepository::change).toList();
    }

    /** Every approved grant, expired ones included: a replay of past calls needs the grants of their time. */
    public List<ExceptionStateChange> approved() {
        return list("state = 'approved'").stream().map(ExceptionStateRepository::change).toList();
    }

    private static ExceptionStateChange change(ExceptionStateEntity e) {
        return new ExceptionStateChange(e.id, e.version, e.state, e.policyName, e.value, e.scopeType, e.subject, e.requester, e.reason,
                e.decidedBy, e.expiresAt, e.requestedAt, e.decidedAt);
    }
}
