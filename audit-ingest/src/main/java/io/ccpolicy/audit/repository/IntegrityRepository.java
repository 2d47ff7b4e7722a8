package io.ccpolicy.audit.repository;

import io.ccpolicy.audit.entity.IntegrityFindingEntity;
import io.ccpolicy.audit.entity.MachineChainEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.util.List;

@ApplicationScoped
public class IntegrityRepository {

    private final EntityManager em;

    public IntegrityRepository(EntityManager em) {
        this.em = em;
    }

    /** The machine's chain head, locked for this transaction (one writer per machine at a time). */
    public MachineChainEntity chainForUpdate(String machineId) {
        return em.find(MachineChainEntity.class, machineId, LockModeType.PESSIMISTIC_WRITE);
    }

    public void save(MachineChainEntity chain) {
        if (em.contains(chain)) {
            return;
        }
        em.persist(chain);
    }

    public void record(IntegrityFindingEntity finding) {
        em.persist(finding);
    }

    /**
     * Breaks, refusals and clocks far off; an event merely unverified (enrolment.mode=record) says so itself (kind
     * 'unverified' rows come only from an ingest older than V12, during a rolling upgrade).
     */
    public List<IntegrityFindingEntity> findings(String machineId) {
        return em.createQuery("from IntegrityFindingEntity f where (:machine is null or f.machineId = :machine) and f.kind <> 'unverified' order by f.id",
                IntegrityFindingEntity.class).setParameter("machine", machineId).setMaxResults(1000).getResultList();
    }

    public List<MachineChainEntity> chains() {
        return em.createQuery("from MachineChainEntity c order by c.machineId", MachineChainEntity.class).getResultList();
    }
}
