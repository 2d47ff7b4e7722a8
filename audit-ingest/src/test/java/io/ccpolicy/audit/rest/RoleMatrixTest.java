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
        assertThat(new RoleMatrix(service.toURI(), roles -> OidcWiremockTestResource.getAccessToken("matrix", roles)).problems(Map.of(
                "GET /api/v1/audit/events", AUDITORS,
                "GET /api/v1/audit/events/export", AUDITORS,
                "GET /api/v1/audit/events/subjects/{email}", AUDITORS,
                "GET /api/v1/audit/events/admin-actions", AUDITORS,
                "GET /api/v1/audit/events/counts", AUDITORS,
                "GET /api/v1/audit/events/summary", AUDITORS,
                "GET /api/v1/audit/archive/verification", AUDITORS,
                "GET /api/v1/audit/events/{eventId}", AUDITORS,
                "GET /api/v1/audit/integrity", AUDITORS,
                "GET /api/v1/audit/archive/public-key", AUDITORS))).isEmpty();
    }
}
