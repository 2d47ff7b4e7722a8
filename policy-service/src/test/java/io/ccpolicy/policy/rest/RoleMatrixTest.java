package io.ccpolicy.policy.rest;

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

    private static final Set<String> READERS = Set.of("policy-admin", "policy-viewer", "audit-reader");

    @TestHTTPResource("/")
    URL service;

    @Test
    void everyOperationAdmitsExactlyItsRoles() throws Exception {
        assertThat(new RoleMatrix(service.toURI(), roles -> OidcWiremockTestResource.getAccessToken("matrix", roles)).problems(Map.ofEntries(
                Map.entry("GET /api/v1/policies/versions", READERS),
                Map.entry("POST /api/v1/policies/versions", Set.of("policy-admin")),
                Map.entry("GET /api/v1/policies/versions/{revision}", READERS),
                Map.entry("GET /api/v1/policies/versions/{revision}/diff", READERS),
                Map.entry("GET /api/v1/policies/versions/{revision}/impact", READERS),
                Map.entry("GET /api/v1/policies/publications", READERS),
                Map.entry("POST /api/v1/policies/publications", Set.of("policy-admin")),
                Map.entry("POST /api/v1/policies/publications/rollback", Set.of("policy-admin")),
                Map.entry("GET /api/v1/policies/publications/{scopeType}/{scopeValue}/revision", Set.of("policy-admin", "policy-viewer", "agent")),
                Map.entry("GET /api/v1/bundles/current", Set.of("policy-admin", "policy-viewer", "agent", "developer")),
                Map.entry("GET /api/v1/bundles/public-key", Set.of("policy-admin", "policy-viewer", "agent", "developer")),
                Map.entry("GET /api/v1/agent-setup", RoleMatrix.ANYONE),
                Map.entry("POST /api/v1/enrolments", Set.of("developer", "agent")),
                Map.entry("GET /api/v1/enrolments", READERS),
                Map.entry("POST /api/v1/enrolments/{machineId}/revoke", Set.of("policy-admin"))))).isEmpty();
    }
}
