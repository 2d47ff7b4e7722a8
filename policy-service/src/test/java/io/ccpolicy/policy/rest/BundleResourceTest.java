package io.ccpolicy.policy.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.engine.bundle.BundleSignature;
import io.ccpolicy.engine.bundle.PolicyBundle;
import io.ccpolicy.engine.model.Policy;
import io.ccpolicy.engine.sign.Ed25519;
import io.ccpolicy.policy.service.PublicationWatch;
import io.ccpolicy.testinfra.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.smallrye.jwt.build.Jwt;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Signed bundles for the caller's own identity, 304 when unchanged, and a held request woken by a publication. */
@QuarkusTest
class BundleResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String admin() {
        return OidcWiremockTestResource.getAccessToken("admin", Set.of("policy-admin"));
    }

    /** An agent token for a user, with the subject, e-mail and teams claims the organisation's provider issues. */
    private static String agent(String email, List<String> teams) {
        return Jwt.subject("sub-" + email).preferredUserName(email).claim("email", email).claim("teams", teams).groups(Set.of("agent"))
                .issuer("https://server.example.com").audience("https://service.example.com").jws().keyId("1").sign("privateKey.jwk");
    }

    private static String policy(String name, String value) {
        return "version: \"1.0\"\norganization: Acme\npolicies:\n  - {name: " + name + ", type: denylist, target: bashCommand, values: [\""
                + value + "\"], severity: error}\n";
    }

    private static long publish(String scopeType, String scopeValue, String yaml) {
        long revision = given().auth().oauth2(admin()).contentType("application/yaml").queryParam("note", "test")
                .body(yaml.getBytes(StandardCharsets.UTF_8)).post("/api/v1/policies/versions").then().statusCode(201)
                .extract().jsonPath().getLong("revision");
        given().auth().oauth2(admin()).contentType(ContentType.JSON)
                .body(Map.of("revision", revision, "scope", Map.of("type", scopeType, "value", scopeValue), "note", "test"))
                .post("/api/v1/policies/publications").then().statusCode(201);
        return revision;
    }

    private static PublicKey publicKey() {
        return Ed25519.publicKey(given().auth().oauth2(admin()).get("/api/v1/bundles/public-key").then().statusCode(200).extract().asString());
    }

    private static PolicyBundle open(Response response) throws Exception {
        return BundleSignature.open(JSON.readValue(response.asString(), new TypeReference<Map<String, Object>>() { }), publicKey());
    }

    private static double heldPolls() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith("policy_bundle_polls_held ")).mapToDouble(line -> Double.parseDouble(line.split(" ")[1]))
                .findFirst().orElseThrow(() -> new AssertionError("no policy_bundle_polls_held in /q/metrics"));
    }

    @jakarta.inject.Inject
    PublicationWatch watch;

    @jakarta.inject.Inject
    jakarta.persistence.EntityManager em;

    /**
     * An unchanged bundle is answered 304 from memory: never to a machine revoked since, whose ETag still matches, even
     * when another instance revoked it (which changes no publication, so nothing here is rebuilt).
     */
    @Test
    void aMachineRevokedByAnotherInstanceIsRefusedWhileItsETagStillMatches() {
        String team = "team-" + UUID.randomUUID();
        long before = watch.generation();
        publish("team", team, policy("no-force-push", "git push --force"));
        // the publication is seen twice: at once by this instance, and by the watch's poll (every second)
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.generation() >= before + 2);
        String machine = "m-" + UUID.randomUUID();
        String carol = agent("carol@acme.com", List.of(team));
        given().auth().oauth2(TestTokens.of("carol@acme.com", "developer")).contentType(ContentType.JSON)
                .body(Map.of("machineId", machine, "publicKey", Ed25519.publicKeyPem(Ed25519.generate().getPublic())))
                .post("/api/v1/enrolments").then().statusCode(201);
        String etag = given().auth().oauth2(carol).queryParam("machine", machine).get("/api/v1/bundles/current").then().statusCode(200)
                .extract().header("ETag");
        given().auth().oauth2(carol).queryParam("machine", machine).header("If-None-Match", etag).get("/api/v1/bundles/current")
                .then().statusCode(304);

        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("update machine_enrolment set revoked_at = now(),"
                + " revoked_by = 'admin@other-instance', revoke_reason = 'stolen' where machine_id = ?1").setParameter(1, machine).executeUpdate());
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> given().auth().oauth2(carol).queryParam("machine", machine)
                .header("If-None-Match", etag).get("/api/v1/bundles/current").then().statusCode(403)
                .body("detail", org.hamcrest.Matchers.containsString("was revoked by admin@other-instance")));
    }

    @Test
    void aMachineGetsTheSignedLayersOfItsOwnIdentityAnd304WhenNothingChanged() throws Exception {
        String team = "team-" + UUID.randomUUID();
        publish("organization", "*", policy("no-curl-bash", "curl | bash"));
        long teamRevision = publish("team", team, policy("no-force-push", "git push --force"));

        Response response = given().auth().oauth2(agent("alice@acme.com", List.of(team))).queryParam("machine", "m-1")
                .get("/api/v1/bundles/current").then().statusCode(200).header("ETag", notNullValue()).extract().response();
        PolicyBundle bundle = open(response);
        assertThat(bundle.email()).isEqualTo("alice@acme.com");
        assertThat(bundle.subject()).as("the token's subject, for audit events' user.id").isEqualTo("sub-alice@acme.com");
        assertThat(bundle.layers()).extracting(PolicyBundle.Layer::scope).filteredOn(scope -> !scope.startsWith("project:"))
                .containsExactly("organization:*", "team:" + team);
        assertThat(bundle.layer("team:" + team).orElseThrow().revision()).isEqualTo(teamRevision);
        assertThat(bundle.effective().policies()).extracting(Policy::name).contains("no-curl-bash", "no-force-push");

        given().auth().oauth2(agent("alice@acme.com", List.of(team))).queryParam("machine", "m-1")
                .header("If-None-Match", response.header("ETag")).get("/api/v1/bundles/current").then().statusCode(304);

        PolicyBundle bobs = open(given().auth().oauth2(agent("bob@acme.com", List.of("other-team"))).queryParam("machine", "m-2")
                .get("/api/v1/bundles/current").then().statusCode(200).extract().response());
        assertThat(bobs.layers()).extracting(PolicyBundle.Layer::scope).as("another identity sees nothing of alice's team")
                .filteredOn(scope -> !scope.startsWith("project:")).containsExactly("organization:*");
    }

    @Test
    void aProjectPublicationTargetsOriginsByPatternAndReachesEveryMachine() throws Exception {
        String legacy = "github.com/acme/legacy-" + UUID.randomUUID().toString().substring(0, 8);
        publish("organization", "*", policy("no-curl-bash", "curl | bash"));
        publish("project", legacy + "-*", policy("no-legacy-deploy", "make deploy"));

        // The machine names no project: the layer is in its bundle, and the agent applies it per session.
        PolicyBundle bundle = open(given().auth().oauth2(agent("bob@acme.com", List.of())).queryParam("machine", "m-legacy")
                .get("/api/v1/bundles/current").then().statusCode(200).extract().response());
        assertThat(bundle.layers()).extracting(PolicyBundle.Layer::scope).contains("project:" + legacy + "-*");
        assertThat(bundle.effective(false, legacy + "-billing").policies()).extracting(Policy::name).contains("no-legacy-deploy");
        assertThat(bundle.effective(false, "github.com/acme/payments").policies()).extracting(Policy::name).doesNotContain("no-legacy-deploy");
        assertThat(bundle.effective(false, "").policies()).as("a checkout without a remote").extracting(Policy::name)
                .doesNotContain("no-legacy-deploy");
    }

    @Test
    void aHeldConditionalRequestIsAnsweredByThePublication() throws Exception {
        // Agents of other tests in this application (AgentSyncTest's) may still hold long polls until their 20 s wait runs
        // out. This test counts its own above whatever they still hold after that; a clean-clone run once read a count
        // that stayed above zero for 90 s, so the count is printed when it does.
        double others;
        try {
            await("long polls of earlier tests answered").atMost(Duration.ofSeconds(30)).until(BundleResourceTest::heldPolls, equalTo(0.0));
            others = 0;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            others = heldPolls();
            System.out.println("BundleResourceTest: " + others + " long polls of earlier tests still held after 30 s");
        }
        double before = others;
        String team = "team-" + UUID.randomUUID();
        publish("team", team, policy("first", "rm -rf /"));
        String token = agent("carol@acme.com", List.of(team));
        String etag = given().auth().oauth2(token).queryParam("machine", "m-3").get("/api/v1/bundles/current").then().statusCode(200)
                .extract().header("ETag");

        CompletableFuture<Response> held = CompletableFuture.supplyAsync(() -> given().auth().oauth2(token).queryParam("machine", "m-3")
                .queryParam("wait", 60).header("If-None-Match", etag).get("/api/v1/bundles/current").then().extract().response());
        publish("team", "unrelated-" + UUID.randomUUID(), policy("elsewhere", "curl"));
        await("another team's publication leaves carol's request held").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> !held.isDone());
        // the request reaches the service on its own thread: wait for the service to count it
        await("operators see the agents waiting").atMost(Duration.ofSeconds(30)).until(BundleResourceTest::heldPolls, equalTo(before + 1));
        long newer = publish("team", team, policy("second", "sudo rm"));

        Response woken = held.get(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS);
        assertThat(woken.statusCode()).isEqualTo(200);
        await("a woken request no longer counts as held").atMost(Duration.ofSeconds(30)).until(BundleResourceTest::heldPolls, equalTo(before));
        assertThat(woken.header("ETag")).isNotEqualTo(etag);
        assertThat(open(woken).layer("team:" + team).orElseThrow().revision()).isEqualTo(newer);
    }

    @Test
    void heldRequestsWhoseWaitRunsOutAreAnsweredNotModifiedEachOnItsOwn() throws Exception {
        String team = "team-" + UUID.randomUUID();
        publish("team", team, policy("steady", "rm -rf /"));
        String token = agent("erin@acme.com", List.of(team));
        String etag = given().auth().oauth2(token).queryParam("machine", "m-4").get("/api/v1/bundles/current").then().statusCode(200)
                .extract().header("ETag");

        // One held request's wait running out used to cancel the publication signal every held request shared: the others
        // then answered 500 (CancellationException) instead of 304, and agents backed off for up to 30 s.
        CompletableFuture<Response> shortWait = CompletableFuture.supplyAsync(() -> given().auth().oauth2(token).queryParam("machine", "m-4")
                .queryParam("wait", 1).header("If-None-Match", etag).get("/api/v1/bundles/current").then().extract().response());
        CompletableFuture<Response> longerWait = CompletableFuture.supplyAsync(() -> given().auth().oauth2(token).queryParam("machine", "m-4")
                .queryParam("wait", 3).header("If-None-Match", etag).get("/api/v1/bundles/current").then().extract().response());

        assertThat(shortWait.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(304);
        Response later = longerWait.get(30, TimeUnit.SECONDS);
        assertThat(later.statusCode()).as(later.asString()).isEqualTo(304);
        assertThat(later.header("ETag")).isEqualTo(etag);
    }

    @Test
    void bundlesNeedAnAgentOrADeveloper() {
        given().queryParam("machine", "m").get("/api/v1/bundles/current").then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("approver", Set.of("exception-approver"))).queryParam("machine", "m")
                .get("/api/v1/bundles/current").then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(agent("dan@acme.com", List.of())).get("/api/v1/bundles/current").then().statusCode(400)
                .contentType("application/problem+json");
        given().auth().oauth2(agent("dan@acme.com", List.of())).queryParam("machine", "m").queryParam("wait", "soon")
                .get("/api/v1/bundles/current").then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("https://ccpolicy.io/problems/invalid-request")).body("errors[0].field", equalTo("wait"));
        given().auth().oauth2(admin()).get("/api/v1/policies/versions/latest").then().statusCode(400)
                .body("errors[0].field", equalTo("revision"));
    }
}
