package io.ccpolicy.report.rest;

import io.ccpolicy.testinfra.Ports;
import io.ccpolicy.testinfra.ServiceProcess;
import io.ccpolicy.testinfra.SiblingServices;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.List;
import java.util.Map;

/**
 * Ports for the services report-service reads, chosen before it starts so its configuration can name them; the tests
 * start the packaged services on these ports (SiblingServices).
 */
public class SiblingPorts implements QuarkusTestResourceLifecycleManager {

    static final int AUDIT = Ports.freePort();
    static final int POLICY = Ports.freePort();
    static final int EXCEPTIONS = Ports.freePort();

    /** audit-ingest, policy-service and exception-service, packaged, on these ports; close them after the tests. */
    static List<ServiceProcess> startSiblings() throws Exception {
        return List.of(SiblingServices.auditIngest(Map.of(), AUDIT), SiblingServices.policyService(Map.of(), POLICY),
                SiblingServices.exceptionService(Map.of(), EXCEPTIONS));
    }

    static void stopSiblings(List<ServiceProcess> services) throws InterruptedException {
        for (ServiceProcess service : services) {
            service.close();
        }
    }

    @Override
    public Map<String, String> start() {
        return Map.of("report-service.audit-url", "http://127.0.0.1:" + AUDIT, "report-service.policy-url", "http://127.0.0.1:" + POLICY,
                "report-service.exceptions-url", "http://127.0.0.1:" + EXCEPTIONS);
    }

    @Override
    public void stop() {
    }
}
