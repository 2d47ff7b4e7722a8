package io.ccpolicy.testinfra.local;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The local broker's ACLs, as k8s/base/kafka/users.yaml grants them in a cluster: hook agents (principal
 * {@code hook-agents}, from their token's {@code kafka_principal} claim) may append to the audit topic and nothing else.
 * Usage: {@code LocalKafkaAcls BOOTSTRAP} (the services' listener). Creating an ACL that exists is a no-op.
 */
public final class LocalKafkaAcls {

    public static final String AGENTS = "User:hook-agents";

    private LocalKafkaAcls() {
    }

    public static void main(String[] args) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]))) {
            ResourcePattern audit = new ResourcePattern(ResourceType.TOPIC, "audit.events.v1", PatternType.LITERAL);
            admin.createAcls(List.of(AclOperation.WRITE, AclOperation.DESCRIBE).stream()
                    .map(op -> new AclBinding(audit, new AccessControlEntry(AGENTS, "*", op, AclPermissionType.ALLOW))).toList()).all().get();
        }
        System.out.println("hook agents may write to audit.events.v1 only");
    }
}
