package io.ccpolicy.exceptions.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.agent.cli.RequestExceptionCommand;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The developer's side: `hook-agent request-exception` against the real service, then `--list` after an approval. */
@QuarkusTest
class RequestExceptionCommandTest {

    @TestHTTPResource("/")
    URL service;

    private String run(int expectedExit, Map<String, String> env, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = RequestExceptionCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8), env);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text).isEqualTo(expectedExit);
        return text;
    }

    @Test
    void aDeveloperRequestsSeesItPendingAndThenApproved() throws Exception {
        Map<String, String> env = Map.of("CCPOLICY_TOKEN", OidcWiremockTestResource.getAccessToken("henry", Set.of("developer")),
                "CCPOLICY_EXCEPTIONS_URL", service.toString());
        String created = run(0, env, "--policy", "approved-mcp-servers", "--value", "slack-mcp", "--reason", "incident 4712",
                "--duration", "8h");
        assertThat(created).contains("for policy approved-mcp-servers (user henry) is pending (PT8H)");
        String id = created.replaceAll("(?s).*Exception request (\\S+) .*", "$1");

        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("carol", Set.of("exception-approver"))).contentType(ContentType.JSON)
                .body(Map.of()).post("/api/v1/exceptions/" + id + "/approve").then().statusCode(200);

        assertThat(run(0, env, "--list")).contains(id + "  approved  approved-mcp-servers (user henry) until ");
        assertThat(run(1, env, "--policy", "p", "--reason", "r", "--duration", "90d"))
                .contains("exception-service refused (HTTP 400)").contains("longer than the organisation's maximum of 30d");
    }
}
