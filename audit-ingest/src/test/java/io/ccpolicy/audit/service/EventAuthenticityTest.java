package io.ccpolicy.audit.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.audit.repository.EnrolmentRepository;
import io.ccpolicy.engine.audit.AuditChain;
import io.ccpolicy.engine.audit.AuditEvent;
import io.ccpolicy.engine.audit.EnrolmentChange;
import io.ccpolicy.engine.audit.EventSignature;
import io.ccpolicy.engine.sign.Ed25519;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * Events checked against machine enrolments, with real Kafka and PostgreSQL (enrolment.mode=enforce): a machine's
 * signed event is stored (once, however often it is replayed); one forged with the shared Kafka credential (unsigned),
 * from an unknown machine, signed with another key, naming another user, replayed under another id, or from a revoked
 * machine goes to the dead-letter topic with the reason.
 */
@QuarkusTest
@TestProfile(EventAuthenticityTest.Enforced.class)
class EventAuthenticityTest {

    /** policy-service's key for administrative events, as the platform team configures it. */
    static final KeyPair SERVICE_KEY = Ed25519.generate();

    public static class Enforced implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("audit-ingest.enrolment.mode", "enforce", "audit-ingest.enrolment.service-keys.policy-service",
                    Ed25519.publicKeyPem(SERVICE_KEY.getPublic()));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    EnrolmentRepository enrolments;

    @Inject
    EntityManager em;

    private final KeyPair machineKey = Ed25519.generate();

    private Map<String, Object> event(String machine, String email, AuditChain.Head head) {
        AuditEvent event = AuditEvent.of(Instant.now(), "evt_" + UUID.randomUUID(), "PreToolUse", new AuditEvent.User(email, List.of(), null),
                new AuditEvent.Machine(machine, null, null), new AuditEvent.Session("s", "/w", ""),
                new AuditEvent.Action("tool_execution", "Bash", Map.of("command", "ls"), "allowed"), null, null, null, Map.of());
        return AuditChain.seal(event.toMap(), head);
    }

    private void send(String topic, String key, Object value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, JSON.writeValueAsString(value))).get();
        }
    }

    private void enrol(String machine, String email, Instant revokedAt) throws Exception {
        EnrolmentChange change = new EnrolmentChange(machine, email, Ed25519.publicKeyPem(machineKey.getPublic()), Ed25519.keyId(machineKey.getPublic()),
                Instant.now(), revokedAt, revokedAt == null ? null : "admin");
        send(EnrolmentChange.TOPIC, machine, change.toMap());
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            EnrolmentChange stored = QuarkusTransaction.requiringNew().call(() -> enrolments.of(List.of(machine))).get(machine);
            return stored != null && stored.revoked() == (revokedAt != null);
        });
    }

    private boolean stored(Object eventId) {
        return ((Number) QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("select count(*) from audit_event where event_id = ?1")
                .setParameter(1, eventId).getSingleResult())).longValue() == 1;
    }

    @Test
    void onlyTheEnrolledMachinesSignedEventsForItsUserAreStored() throws Exception {
        String machine = "m-enrolled-" + UUID.randomUUID();
        enrol(machine, "bob@acme.com", null);

        Map<String, Object> genuine = EventSignature.sign(event(machine, "bob@acme.com", AuditChain.Head.START), machineKey.getPrivate());
        Map<String, Object> forged = event(machine, "bob@acme.com", AuditChain.headOf(genuine));
        Map<String, Object> unknown = EventSignature.sign(event("m-unknown-" + UUID.randomUUID(), "bob@acme.com", AuditChain.Head.START),
                machineKey.getPrivate());
        Map<String, Object> otherKey = EventSignature.sign(event(machine, "bob@acme.com", AuditChain.headOf(genuine)), Ed25519.generate().getPrivate());
        Map<String, Object> otherUser = EventSignature.sign(event(machine, "mallory@acme.com", AuditChain.headOf(genuine)), machineKey.getPrivate());
        // The genuine event and its signature replayed as a new event: the signature covers the event id.
        Map<String, Object> replayed = new java.util.LinkedHashMap<>(genuine);
        replayed.put("eventId", "evt_" + UUID.randomUUID());
        for (Map<String, Object> e : List.of(genuine, forged, unknown, otherKey, otherUser, replayed, genuine)) {
            send(AuditEvent.TOPIC, String.valueOf(((Map<?, ?>) e.get("machine")).get("id")), e);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> stored(genuine.get("eventId")));

        Map<String, String> reasons = deadLetters(List.of(forged, unknown, otherKey, otherUser, replayed));
        assertThat(reasons.get(replayed.get("eventId"))).contains("fails its signature check");
        assertThat(stored(genuine.get("eventId"))).as("the genuine event sent twice is stored once").isTrue();
        assertThat(QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("select count(*) from audit_event where event_id = ?1"
                + " and unverified is null").setParameter(1, genuine.get("eventId")).getSingleResult())).as("its origin is proven")
                .isEqualTo(1L);
        assertThat(reasons.get(forged.get("eventId"))).contains("the event is not signed, but machine " + machine + " is enrolled");
        assertThat(reasons.get(unknown.get("eventId"))).contains("is not enrolled");
        assertThat(reasons.get(otherKey.get("eventId"))).contains("fails its signature check").contains("signed with key");
        assertThat(reasons.get(otherUser.get("eventId"))).contains("names user 'mallory@acme.com', but machine " + machine + " is enrolled for bob@acme.com");
        for (Map<String, Object> e : List.of(forged, unknown, otherKey, otherUser, replayed)) {
            assertThat(stored(e.get("eventId"))).isFalse();
        }
        assertThat(QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select kind || ': ' || problem from integrity_finding where event_id = ?1").setParameter(1, forged.get("eventId")).getResultList()))
                .as("a refused event is an integrity finding, for reports").singleElement().asString().startsWith("rejected: the event is not signed");

        enrol(machine, "bob@acme.com", Instant.now());
        Map<String, Object> afterRevocation = EventSignature.sign(event(machine, "bob@acme.com", AuditChain.headOf(genuine)), machineKey.getPrivate());
        send(AuditEvent.TOPIC, machine, afterRevocation);
        assertThat(deadLetters(List.of(afterRevocation)).get(afterRevocation.get("eventId"))).contains("was revoked by admin");
    }

    @Test
    void administrativeEventsMustBeSignedByTheirServicesKey() throws Exception {
        java.util.function.Function<String, Map<String, Object>> admin = source -> AuditChain.seal(AuditEvent.of(Instant.now(),
                "evt_" + UUID.randomUUID(), "AdminChange", new AuditEvent.User("pat@acme.com", null, null), new AuditEvent.Machine(source, null, null),
                null, new AuditEvent.Action("policy_change", "policy_published", null, "recorded"), null, null, null, Map.of())
                .withChange(Map.of("revision", 4)).toMap(), AuditChain.Head.START);
        Map<String, Object> genuine = EventSignature.sign(admin.apply("service:policy-service"), SERVICE_KEY.getPrivate());
        Map<String, Object> unsigned = admin.apply("service:policy-service");
        Map<String, Object> otherKey = EventSignature.sign(admin.apply("service:policy-service"), Ed25519.generate().getPrivate());
        Map<String, Object> unknownService = EventSignature.sign(admin.apply("service:shadow-service"), SERVICE_KEY.getPrivate());
        for (Map<String, Object> e : List.of(genuine, unsigned, otherKey, unknownService)) {
            send(AuditEvent.TOPIC, String.valueOf(((Map<?, ?>) e.get("machine")).get("id")), e);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> stored(genuine.get("eventId")));
        Map<String, String> reasons = deadLetters(List.of(unsigned, otherKey, unknownService));
        assertThat(reasons.get(unsigned.get("eventId"))).contains("administrative event of service:policy-service is not signed");
        assertThat(reasons.get(otherKey.get("eventId"))).contains("fails its signature check against service:policy-service's key");
        assertThat(reasons.get(unknownService.get("eventId"))).contains("no key is configured for service:shadow-service");
    }

    private Map<String, String> deadLetters(List<Map<String, Object>> events) {
        Map<String, String> reasons = new LinkedHashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("audit.events.dlq"));
            List<ConsumerRecord<String, String>> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                for (ConsumerRecord<String, String> r : seen) {
                    for (Map<String, Object> e : events) {
                        if (r.value().contains(String.valueOf(e.get("eventId")))) {
                            reasons.put(String.valueOf(e.get("eventId")),
                                    new String(r.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8));
                        }
                    }
                }
                return reasons.size() == events.size();
            });
        }
        return reasons;
    }
}
