package io.ccpolicy.policy.repository;

import io.ccpolicy.policy.entity.MachineEnrolmentEntity;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class MachineEnrolmentRepository implements PanacheRepositoryBase<MachineEnrolmentEntity, String> {

    public List<MachineEnrolmentEntity> newestFirst() {
        return list("order by enrolledAt desc, machineId");
    }
}
