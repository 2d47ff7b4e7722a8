package io.ccpolicy.report.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.testinfra.RoleMatrix;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.net.URL;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Who may call what, for every operation of the API (the OpenAPI document is the list of operations). */
@QuarkusTest
class RoleMatrixTest {

    private static final Set<String> AUDITORS = Set.of("audit-reader");
    private static final Set<String> POLICY_READERS = Set.of("policy-viewer", "policy-admin", "audit-reader");

    @TestHTTPResource("/")
    URL service;

    @Test
    void everyOperationAdmitsExactlyItsRoles() throws Exception {
        assertThat(new RoleMatrix(service.toURI(), roles -> OidcWiremockTestResource.getAccessToken("matrix", roles)).problems(Map.ofEntries(
                Map.entry("GET /api/v1/reports/runs", AUDITORS),
                Map.entry("GET /api/v1/reports/{kind}", AUDITORS),
                Map.entry("GET /api/v1/dashboard/me", RoleMatrix.PLATFORM_ROLES),
                Map.entry("GET /api/v1/dashboard/overview", AUDITORS),
                Map.entry("GET /api/v1/dashboard/live", AUDITORS),
                Map.entry("GET /api/v1/dashboard/audit", AUDITORS),
                Map.entry("GET /api/v1/dashboard/exceptions", Set.of("exception-approver", "policy-admin", "audit-reader")),
                Map.entry("POST /api/v1/dashboard/exceptions/{id}/{action}", Set.of("exception-approver")),
                Map.entry("GET /api/v1/dashboard/policies", POLICY_READERS),
                Map.entry("GET /api/v1/dashboard/policies/{revision}/diff", POLICY_READERS),
                Map.entry("GET /api/v1/dashboard/publications", POLICY_READERS),
                Map.entry("POST /api/v1/dashboard/publications", Set.of("policy-admin")),
                Map.entry("POST /api/v1/dashboard/publications/rollback", Set.of("policy-admin")),
                Map.entry("GET /api/v1/dashboard/enrolments", POLICY_READERS),
                Map.entry("POST /api/v1/dashboard/enrolments/{machineId}/revoke", Set.of("policy-admin"))))).isEmpty();
    }
}
