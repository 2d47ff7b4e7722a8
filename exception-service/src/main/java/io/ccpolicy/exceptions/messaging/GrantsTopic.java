package io.ccpolicy.exceptions.messaging;

import io.ccpolicy.exceptions.config.ExceptionServiceConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/**
 * The grants topic must be compacted (the newest state of every request stays, so a policy-service that starts empty
 * reads every grant in force). Created so at start when missing; where the platform team manages topics (Strimzi's
 * KafkaTopic), an existing topic is left as it is. Kafka away at start is not fatal: the outbox waits, and the topic is
 * then created by the broker's defaults, which the warning names.
 */
@ApplicationScoped
public class GrantsTopic {

    private static final Logger LOG = Logger.getLogger(GrantsTopic.class);

    private final Map<String, Object> kafka;
    private final String topic;

    public GrantsTopic(@Identifier("default-kafka-broker") Map<String, Object> kafka, ExceptionServiceConfig config) {
        this.kafka = kafka;
        this.topic = config.grantsTopic();
    }

    void ensure(@Observes StartupEvent started) {
        Map<String, Object> props = new java.util.HashMap<>(kafka);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic(topic, java.util.Optional.empty(), java.util.Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get(15, TimeUnit.SECONDS);
            LOG.infof("created the compacted topic %s", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                LOG.warnf("could not create %s as a compacted topic (%s); create it with cleanup.policy=compact", topic, e.getCause().getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warnf("could not create %s as a compacted topic (%s); create it with cleanup.policy=compact", topic, e.getMessage());
        }
    }
}
