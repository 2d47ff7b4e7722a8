package io.ccpolicy.report.rest;

import io.ccpolicy.testinfra.Ports;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Ports for the services report-service reads, chosen before it starts so its configuration can name them; the tests
 * start the packaged services on these ports (SiblingServices).
 */
public class SiblingPorts implements QuarkusTestResourceLifecycleManager {

    static final int AUDIT = Ports.freePort();
    static final int POLICY = Ports.freePort();
    static final int EXCEPTIONS = Ports.freePort();

    @Override
    public Map<String, String> start() {
        return Map.of("report-service.audit-url", "http://127.0.0.1:" + AUDIT, "report-service.policy-url", "http://127.0.0.1:" + POLICY,
                "report-service.exceptions-url", "http://127.0.0.1:" + EXCEPTIONS);
    }

    @Override
    public void stop() {
    }
}
