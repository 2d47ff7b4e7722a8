package io.ccpolicy.policy.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccpolicy.engine.bundle.ExceptionStateChange;
import io.ccpolicy.policy.repository.ExceptionStateRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The grant reader against the real Kafka and PostgreSQL: a record that is not a state, and one whose data PostgreSQL
 * refuses (a NUL in the reason), go to exception.grants.dlq with the reason, and the grant behind them is stored.
 */
@QuarkusTest
class ExceptionStateConsumerTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private final ExceptionStateRepository states;

    ExceptionStateConsumerTest(ExceptionStateRepository states) {
        this.states = states;
    }

    private static String state(String id, String reason) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(new ExceptionStateChange(id, 2, ExceptionStateChange.APPROVED,
                "approved-mcp-servers", "tool-" + id, "user", "kim@acme.com", "kim@acme.com", reason, "ann@acme.com",
                now.plus(Duration.ofDays(1)), now, now).toMap()).toString();
    }

    @Test
    void aRecordThatCannotBeStoredIsDeadLetteredAndTheGrantBehindItIsStored() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String broken = "{\"id\": \"broken-" + run + "\", \"state\": \"approved\"}";
        String nul = state("nul-" + run, "needs\u0000it");
        String good = state("good-" + run, "release week");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new StringSerializer())) {
            // one key, so all three land in one partition, in this order
            for (String value : List.of(broken, nul, good)) {
                producer.send(new ProducerRecord<>("exception.grants.v1", "wedge-" + run, value)).get();
            }
        }
        await("the grant behind the two bad records is stored").atMost(Duration.ofSeconds(30)).until(() -> QuarkusTransaction.requiringNew()
                .call(() -> states.inForce(Instant.now()).stream().anyMatch(s -> s.id().equals("good-" + run))));

        List<ConsumerRecord<String, String>> dead = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + run, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("exception.grants.dlq"));
            await("both bad records are on the dead-letter topic").atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.value().contains(run)) {
                        dead.add(r);
                    }
                });
                return dead.size() >= 2;
            });
        }
        assertThat(dead).extracting(ConsumerRecord::value).containsExactly(broken, nul);
        assertThat(reason(dead.get(0))).contains("not a valid exception state").contains("version");
        assertThat(reason(dead.get(1))).contains("PostgreSQL refused exception nul-" + run);
        assertThat(RestAssured.get("/q/metrics").then().statusCode(200).extract().asString())
                .containsPattern("policy_grants_dead_lettered_total(\\{[^}]*\\})? [1-9]");
    }

    @Test
    void aProjectGrantReachesEveryMachineForTheAgentToApplyInThatProjectsSessionsOnly() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String grant = new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(new ExceptionStateChange("project-" + run, 2,
                ExceptionStateChange.APPROVED, "no-rm", "rm -rf build", "project", "github.com/acme/legacy-" + run, "kim@acme.com", "cleanup",
                "ann@acme.com", now.plus(Duration.ofDays(1)), now, now).toMap()).toString();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("exception.grants.v1", "project-" + run, grant)).get();
        }
        String admin = io.quarkus.test.oidc.server.OidcWiremockTestResource.getAccessToken("admin", java.util.Set.of("policy-admin"));
        long revision = RestAssured.given().auth().oauth2(admin).contentType("application/yaml").queryParam("note", "no-rm")
                .body("version: \"1.0\"\norganization: Acme\npolicies:\n  - {name: no-rm, type: denylist, target: bashCommand, values: [\"rm -rf\"], severity: error}\n".getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/policies/versions").then().statusCode(201).extract().jsonPath().getLong("revision");
        RestAssured.given().auth().oauth2(admin).contentType("application/json").body(Map.of("revision", revision, "scope",
                Map.of("type", "organization", "value", "*"), "note", "no-rm")).post("/api/v1/policies/publications").then().statusCode(201);
        // Bob's machine names no project: which repository a session works in is known on the machine only.
        String bob = io.ccpolicy.testinfra.TestTokens.of("bob@acme.com", "developer");
        await("the project's grant is in a bundle asked for without a project").atMost(Duration.ofSeconds(30)).until(() -> RestAssured.given()
                .auth().oauth2(bob).queryParam("machine", "m-" + run).get("/api/v1/bundles/current").then().extract().asString()
                .contains("project-" + run));
    }

    private static String reason(ConsumerRecord<String, String> record) {
        return new String(record.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
    }
}
