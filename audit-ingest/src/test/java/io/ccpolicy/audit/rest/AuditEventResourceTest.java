package io.ccpolicy.audit.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.ccpolicy.audit.repository.AuditEventRepository;
import io.ccpolicy.testinfra.KafkaResource;
import io.ccpolicy.testinfra.PostgresResource;
import io.ccpolicy.testinfra.S3Resource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(value = S3Resource.class, initArgs = @ResourceArg(name = "prefix", value = "audit-ingest.s3"))
@QuarkusTestResource(OidcWiremockTestResource.class)
class AuditEventResourceTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    AuditEventRepository events;

    @Inject
    jakarta.persistence.EntityManager em;

    @Test
    void eventFromKafkaIsStoredOnceAndReadableByAnAuditor() throws Exception {
        String eventId = "evt_" + UUID.randomUUID();
        String poison = "{\"eventId\": \"evt_broken\"}";
        String next = "evt_" + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>("audit.events.v1", "machine_abc123", event(eventId))).get();
            producer.send(new ProducerRecord<>("audit.events.v1", "machine_abc123", event(eventId))).get();
            producer.send(new ProducerRecord<>("audit.events.v1", "machine_abc123", poison)).get();
            producer.send(new ProducerRecord<>("audit.events.v1", "machine_abc123", event(next))).get();
        }

        String auditor = OidcWiremockTestResource.getAccessToken("audrey", Set.of("audit-reader"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(auditor)
                .get("/api/v1/audit/events/" + next).then().statusCode(200));
        given().auth().oauth2(auditor).get("/api/v1/audit/events/" + eventId)
                .then().statusCode(200)
                .body("machineId", equalTo("machine_abc123"))
                .body("eventType", equalTo("tool_execution"))
                .body("occurredAt", equalTo("2026-11-24T14:30:00Z"))
                .body("event.action.tool", equalTo("Write"));
        long stored = QuarkusTransaction.requiringNew().call(() -> events.count("eventId in ?1", List.of(eventId, next)));
        assertThat(stored).as("the duplicate delivery is stored once").isEqualTo(2);

        ConsumerRecord<String, String> dead = deadLetterOf("evt_broken");
        assertThat(dead.value()).isEqualTo(poison);
        assertThat(new String(dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                .contains("/machine is missing");
    }

    @Test
    void chainBreaksAreRecordedAsIntegrityFindings() throws Exception {
        List<Map<String, Object>> chain = new ArrayList<>();
        io.ccpolicy.engine.audit.AuditChain.Head head = io.ccpolicy.engine.audit.AuditChain.Head.START;
        for (int i = 0; i < 5; i++) {
            Map<String, Object> event = new java.util.LinkedHashMap<>();
            event.put("version", "1.0");
            event.put("timestamp", java.time.Instant.now().minusSeconds(10 - i).toString());
            event.put("eventId", "evt_" + UUID.randomUUID());
            event.put("machine", Map.of("id", "machine-chain"));
            event.put("action", Map.of("type", "tool_execution", "tool", "Bash", "result", "allowed"));
            Map<String, Object> sealed = io.ccpolicy.engine.audit.AuditChain.seal(event, head);
            head = io.ccpolicy.engine.audit.AuditChain.headOf(sealed);
            chain.add(sealed);
        }
        Map<String, Object> altered = new java.util.LinkedHashMap<>(chain.get(2));
        altered.put("action", Map.of("type", "tool_execution", "tool", "Bash", "result", "denied"));
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        try (KafkaProducer<String, String> producer = producer()) {
            for (Map<String, Object> event : List.of(chain.get(0), chain.get(1), altered, chain.get(4))) {
                producer.send(new ProducerRecord<>("audit.events.v1", "machine-chain", mapper.writeValueAsString(event))).get();
            }
        }
        String auditor = OidcWiremockTestResource.getAccessToken("audrey", Set.of("audit-reader"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(auditor)
                .get("/api/v1/audit/integrity?machine=machine-chain").then().statusCode(200)
                .body("problem", org.hamcrest.Matchers.contains("content does not match its hash (altered)",
                        "seq 5 follows 3: 1 event(s) missing (removed)"))
                .body("kind", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.equalTo("chain")))
                .body("eventId", org.hamcrest.Matchers.contains(chain.get(2).get("eventId"), chain.get(4).get("eventId"))));
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("alice", Set.of("developer")))
                .get("/api/v1/audit/integrity").then().statusCode(403);
    }

    @Test
    void anAgentTimestampFarFromIngestTimeIsFlaggedAndTheEventKept() throws Exception {
        String machine = "machine-clock-" + UUID.randomUUID();
        java.time.Instant now = java.time.Instant.now();
        Map<String, String> stamped = new java.util.LinkedHashMap<>();
        stamped.put("evt_2001_" + UUID.randomUUID(), "2001-03-04T05:06:07Z");
        stamped.put("evt_ahead_" + UUID.randomUUID(), now.plus(Duration.ofHours(3)).toString());
        stamped.put("evt_now_" + UUID.randomUUID(), now.toString());
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        io.ccpolicy.engine.audit.AuditChain.Head head = io.ccpolicy.engine.audit.AuditChain.Head.START;
        try (KafkaProducer<String, String> producer = producer()) {
            for (Map.Entry<String, String> e : stamped.entrySet()) {
                Map<String, Object> event = io.ccpolicy.engine.audit.AuditChain.seal(new java.util.LinkedHashMap<>(Map.of("version", "1.0",
                        "timestamp", e.getValue(), "eventId", e.getKey(), "machine", Map.of("id", machine),
                        "action", Map.of("type", "tool_execution", "tool", "Bash", "result", "allowed"))), head);
                head = io.ccpolicy.engine.audit.AuditChain.headOf(event);
                producer.send(new ProducerRecord<>("audit.events.v1", machine, mapper.writeValueAsString(event))).get();
            }
        }
        String auditor = OidcWiremockTestResource.getAccessToken("audrey", Set.of("audit-reader"));
        List<String> ids = List.copyOf(stamped.keySet());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(auditor)
                .get("/api/v1/audit/integrity?machine=" + machine).then().statusCode(200)
                .body("eventId", org.hamcrest.Matchers.contains(ids.get(0), ids.get(1)))
                .body("kind", org.hamcrest.Matchers.contains("clock", "clock"))
                .body("problem[0]", org.hamcrest.Matchers.startsWith("timestamp 2001-03-04T05:06:07Z is "))
                .body("problem[0]", org.hamcrest.Matchers.containsString(" days behind ingest time"))
                .body("problem[1]", org.hamcrest.Matchers.containsString("hours ahead of ingest time")));
        // the third event, in time, is not a finding: it may land in a later batch than the two the findings name
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String id : ids) {
                given().auth().oauth2(auditor).get("/api/v1/audit/events/" + id).then().statusCode(200);
            }
        });
    }

    @Test
    void searchFiltersAndPagesWithAStableCursor() throws Exception {
        String machine = "machine-" + UUID.randomUUID();
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> ids = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < 5; i++) {
                String id = "evt_" + UUID.randomUUID();
                ids.add(id);
                Map<String, Object> event = Map.of("version", "1.0", "timestamp", "2026-11-2" + (i + 1) + "T10:00:00Z", "eventId", id,
                        "user", Map.of("email", i < 3 ? "bob@acme.com" : "alice@acme.com", "teams", List.of(i < 3 ? "payments" : "platform")),
                        "machine", Map.of("id", machine),
                        "action", Map.of("type", "tool_execution", "tool", i % 2 == 0 ? "Bash" : "Write", "result", i == 1 ? "denied" : "allowed"),
                        "policyCheck", Map.of("policies", List.of("approved-paths"), "result", i == 1 ? "violated" : "passed", "violations", i == 1
                                ? List.of(Map.of("policy", "approved-paths", "severity", "error", "mode", "enforce", "effect", "deny", "wouldBe", "deny"))
                                : List.of()),
                        "decision", Map.of("verdict", i == 1 ? "deny" : "allow"));
                producer.send(new ProducerRecord<>("audit.events.v1", machine, mapper.writeValueAsString(event))).get();
            }
        }
        String auditor = OidcWiremockTestResource.getAccessToken("audrey", Set.of("audit-reader"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(auditor)
                .get("/api/v1/audit/events?machine=" + machine).then().statusCode(200).body("events", org.hamcrest.Matchers.hasSize(5)));

        given().auth().oauth2(auditor).get("/api/v1/audit/events?machine=" + machine + "&user=bob@acme.com&tool=Bash")
                .then().statusCode(200).body("events.eventId", org.hamcrest.Matchers.contains(ids.get(0), ids.get(2)));
        given().auth().oauth2(auditor).get("/api/v1/audit/events?machine=" + machine + "&policy=approved-paths&decision=deny")
                .then().statusCode(200).body("events.eventId", org.hamcrest.Matchers.contains(ids.get(1)));
        given().auth().oauth2(auditor).get("/api/v1/audit/events?machine=" + machine + "&team=platform&from=2026-11-24T00:00:00Z")
                .then().statusCode(200).body("events.eventId", org.hamcrest.Matchers.contains(ids.get(3), ids.get(4)));

        List<String> paged = new ArrayList<>();
        String cursor = null;
        do {
            io.restassured.response.Response page = given().auth().oauth2(auditor).get("/api/v1/audit/events?machine=" + machine + "&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            page.then().statusCode(200);
            paged.addAll(page.jsonPath().getList("events.eventId"));
            cursor = page.jsonPath().getString("nextCursor");
        } while (cursor != null);
        assertThat(paged).as("every event once, in time order").containsExactlyElementsOf(ids);

        String ndjson = given().auth().oauth2(auditor).get("/api/v1/audit/events/export?machine=" + machine
                + "&from=2026-11-21T00:00:00Z&to=2026-11-26T00:00:00Z").then().statusCode(200).extract().asString();
        assertThat(ndjson.lines().toList()).hasSize(5).allSatisfy(line -> assertThat(line).startsWith("{").contains("\"machine\""));
        String cef = given().auth().oauth2(auditor).get("/api/v1/audit/events/export?machine=" + machine
                + "&from=2026-11-21T00:00:00Z&to=2026-11-26T00:00:00Z&format=cef").then().statusCode(200).extract().asString();
        assertThat(cef.lines().toList()).hasSize(5);
        assertThat(cef.lines().toList().get(1)).startsWith("CEF:0|ccpolicy|hook-agent|1.0|").contains("|8|")
                .contains("suser=bob@acme.com").contains("act=deny").contains("cs1=approved-paths").contains("externalId=" + ids.get(1));
        given().auth().oauth2(auditor).get("/api/v1/audit/events/counts?by=decision&from=2026-11-21T00:00:00Z&to=2026-11-26T00:00:00Z")
                .then().statusCode(200).body("find { it.key == 'deny' }.count", org.hamcrest.Matchers.greaterThanOrEqualTo(1));
        given().auth().oauth2(auditor).get("/api/v1/audit/events/counts?by=policy&from=2026-11-22T00:00:00Z&to=2026-11-23T00:00:00Z")
                .then().statusCode(200).body("key", org.hamcrest.Matchers.hasItem("approved-paths"));
        given().auth().oauth2(auditor).get("/api/v1/audit/events/counts?by=hour&from=2026-11-25T00:00:00Z&to=2026-11-26T00:00:00Z")
                .then().statusCode(200).body("key", org.hamcrest.Matchers.hasItem("2026-11-25T10:00:00Z"));
        given().auth().oauth2(auditor).get("/api/v1/audit/events/counts?by=weather&from=2026-11-25T00:00:00Z&to=2026-11-26T00:00:00Z")
                .then().statusCode(400).body("detail", org.hamcrest.Matchers.containsString("by must be policy, decision, user or hour"));
        given().auth().oauth2(auditor).get("/api/v1/audit/events?from=yesterday").then().statusCode(400)
                .contentType("application/problem+json").body("detail", org.hamcrest.Matchers.containsString("from must be an ISO-8601 timestamp"));
        given().auth().oauth2(auditor).get("/api/v1/audit/events?cursor=garbage").then().statusCode(400)
                .body("detail", org.hamcrest.Matchers.containsString("cursor is not one this API issued"));
        given().auth().oauth2(auditor).get("/api/v1/audit/events?limit=5000").then().statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.containsString("limit"));
    }

    @Test
    void tabsLineBreaksAndBackslashesAreStoredAsSent() throws Exception {
        // what a bulk format would read as a field or row separator, an end-of-data marker (\.) or null (\N), in an
        // event's keys and in its JSON, is stored exactly as sent (a COPY write path was tried: this guards any such path)
        String eventId = "evt_" + UUID.randomUUID();
        String machine = "machine\t\\N\n\\.\r\\" + UUID.randomUUID();
        String command = "printf 'a\tb\\n' \\\n\\.\n\\N \u00e9\u4e2d\ud83d\ude00";
        String next = "evt_" + UUID.randomUUID();
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        // a tab between tokens is JSON whitespace, and a record without a line break is stored as it came
        String record = mapper.writeValueAsString(Map.of("version", "1.0", "timestamp", "2026-11-24T14:30:00Z", "eventId", eventId,
                "machine", Map.of("id", machine), "action", Map.of("type", "tool\texecution", "tool", "Bash",
                        "params", Map.of("command", command), "result", "allowed"))).replace(",", ",\t");
        assertThat(record).contains("\t").doesNotContain("\n");
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>("audit.events.v1", "machine_copy", record)).get();
            producer.send(new ProducerRecord<>("audit.events.v1", "machine_copy", event(next))).get();
        }
        String auditor = OidcWiremockTestResource.getAccessToken("audrey", Set.of("audit-reader"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(auditor)
                .get("/api/v1/audit/events/" + next).then().statusCode(200));
        given().auth().oauth2(auditor).get("/api/v1/audit/events/" + eventId)
                .then().statusCode(200)
                .body("machineId", equalTo(machine))
                .body("eventType", equalTo("tool\texecution"))
                .body("unverified", org.hamcrest.Matchers.notNullValue())
                .body("event.action.params.command", equalTo(command));
        String stored = QuarkusTransaction.requiringNew().call(() -> (String) em.createNativeQuery(
                "select payload::text from audit_event where event_id = ?1").setParameter(1, eventId).getSingleResult());
        assertThat(mapper.readTree(stored)).isEqualTo(mapper.readTree(record));
    }

    @Test
    void unknownEventIs404ProblemJson() {
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("audrey", Set.of("audit-reader")))
                .get("/api/v1/audit/events/evt_nope")
                .then().statusCode(404).contentType("application/problem+json")
                .body("detail", equalTo("No audit event with eventId evt_nope."));
    }

    @Test
    void noTokenIs401AndDeveloperIs403() {
        given().get("/api/v1/audit/events/x").then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("alice", Set.of("developer")))
                .get("/api/v1/audit/events/x").then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void readinessCoversDatabaseKafkaAndArchive() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready")
                .then().statusCode(200)
                .body("checks.name", hasItems("Database connections health check", "Kafka connection health check", "audit ingest",
                        "S3 audit archive")));
    }

    @Test
    void aRecordTheStoreCannotKeepGoesToTheDeadLetterTopicAndThePartitionMovesOn() throws Exception {
        String nul = "evt_" + UUID.randomUUID();
        String surrogate = "evt_refused_" + UUID.randomUUID();
        String next = "evt_" + UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("""
                    create or replace function refuse_marked_events() returns trigger language plpgsql as $$
                    begin
                      if new.event_id like 'evt_refused_%' then
                        raise exception 'this value cannot be stored' using errcode = '22023';
                      end if;
                      return new;
                    end $$""").executeUpdate();
            em.createNativeQuery("create or replace trigger refuse_marked_events before insert on audit_event for each row "
                    + "execute function refuse_marked_events()").executeUpdate();
        });
        try (KafkaProducer<String, String> producer = producer()) {
            // a NUL in any string: Jackson reads it, PostgreSQL's jsonb refuses it (this once stopped the partition for good)
            producer.send(new ProducerRecord<>("audit.events.v1", "machine_nul", event(nul).replace("\"user\"",
                    "\"session\": {\"id\": \"s\\u0000x\"}, \"user\""))).get();
            // a record valid to the parser that PostgreSQL refuses on its own (here a trigger raises a data exception for it, as
            // jsonb did for NUL): the batch fails, and the record is found by trying each record alone
            producer.send(new ProducerRecord<>("audit.events.v1", "machine_nul", event(surrogate))).get();
            producer.send(new ProducerRecord<>("audit.events.v1", "machine_nul", event(next))).get();
        }
        String auditor = OidcWiremockTestResource.getAccessToken("audrey", Set.of("audit-reader"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().auth().oauth2(auditor)
                .get("/api/v1/audit/events/" + next).then().statusCode(200));

        ConsumerRecord<String, String> deadNul = deadLetterOf(nul);
        assertThat(new String(deadNul.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8)).contains("NUL");
        given().auth().oauth2(auditor).get("/api/v1/audit/events/" + nul).then().statusCode(404);
        assertThat(new String(deadLetterOf(surrogate).headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                .as("found record by record: PostgreSQL refused it on its own").contains("the audit store refused it");
        given().auth().oauth2(auditor).get("/api/v1/audit/events/" + surrogate).then().statusCode(404);
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("drop trigger refuse_marked_events on audit_event").executeUpdate());
        assertThat(given().get("/q/metrics").then().statusCode(200).extract().asString())
                .containsPattern("audit_ingest_dead_lettered_total(\\{[^}]*})? [1-9]");
    }

    private ConsumerRecord<String, String> deadLetterOf(String eventId) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("audit.events.dlq"));
            List<ConsumerRecord<String, String>> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                return seen.stream().anyMatch(r -> r.value().contains(eventId));
            });
            return seen.stream().filter(r -> r.value().contains(eventId)).findFirst().orElseThrow();
        }
    }

    private KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    }

    private static String event(String eventId) {
        return """
                {"version": "1.0", "timestamp": "2026-11-24T14:30:00.000Z", "eventId": "%s",
                 "user": {"id": "user_123", "email": "developer@acme.com"},
                 "machine": {"id": "machine_abc123", "hostname": "developer-laptop"},
                 "action": {"type": "tool_execution", "tool": "Write", "result": "success"},
                 "policyCheck": {"policies": ["protected-paths"], "result": "passed", "violations": []}}
                """.formatted(eventId);
    }
}
