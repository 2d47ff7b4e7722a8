package io.ccpolicy.audit.rest;

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

    @TestHTTPResource("/")
    URL service;

    @Test
    void everyOperationAdmitsExactlyItsRoles() throws Exception {
        assertThat(new RoleMatrix(service.toURI(), roles -> OidcWiremockTestResource.getAccessToken("matrix", roles)).problems(Map.ofEntries(
                Map.entry("GET /api/v1/audit/events", AUDITORS),
                Map.entry("POST /api/v1/audit/batches", Set.of("developer", "agent")),
                Map.entry("GET /api/v1/audit/events/export", AUDITORS),
                Map.entry("GET /api/v1/audit/events/subjects/{email}", AUDITORS),
                Map.entry("GET /api/v1/audit/events/admin-actions", AUDITORS),
                Map.entry("GET /api/v1/audit/events/counts", AUDITORS),
                Map.entry("GET /api/v1/audit/events/summary", AUDITORS),
                Map.entry("GET /api/v1/audit/events/activity", AUDITORS),
                Map.entry("GET /api/v1/audit/archive/verification", AUDITORS),
                Map.entry("GET /api/v1/audit/events/{eventId}", AUDITORS),
                Map.entry("GET /api/v1/audit/integrity", AUDITORS),
                Map.entry("GET /api/v1/audit/archive/public-key", AUDITORS),
                Map.entry("DELETE /api/v1/audit/events/demo", Set.of("policy-admin"))))).isEmpty();
    }
}
