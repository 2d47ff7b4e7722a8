package io.ccpolicy.exceptions.rest;

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

    private static final Set<String> PARTICIPANTS = Set.of("developer", "exception-approver", "policy-admin");
    private static final Set<String> READERS = Set.of("developer", "exception-approver", "policy-admin", "audit-reader");

    @TestHTTPResource("/")
    URL service;

    @Test
    void everyOperationAdmitsExactlyItsRoles() throws Exception {
        assertThat(new RoleMatrix(service.toURI(), roles -> OidcWiremockTestResource.getAccessToken("matrix", roles)).problems(Map.of(
                "GET /api/v1/exceptions", READERS,
                "POST /api/v1/exceptions", PARTICIPANTS,
                "GET /api/v1/exceptions/{id}", READERS,
                "GET /api/v1/exceptions/{id}/history", READERS,
                "POST /api/v1/exceptions/{id}/approve", Set.of("exception-approver"),
                "POST /api/v1/exceptions/{id}/deny", Set.of("exception-approver"),
                "POST /api/v1/exceptions/{id}/revoke", Set.of("policy-admin")))).isEmpty();
    }
}
