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

    @TestHTTPResource("/")
    URL service;

    @Test
    void everyOperationAdmitsExactlyItsRoles() throws Exception {
        assertThat(new RoleMatrix(service.toURI(), roles -> OidcWiremockTestResource.getAccessToken("matrix", roles)).problems(Map.of(
                "GET /api/v1/reports/runs", Set.of("audit-reader"),
                "GET /api/v1/reports/{kind}", Set.of("audit-reader")))).isEmpty();
    }
}
