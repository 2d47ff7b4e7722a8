package io.ccpolicy.testinfra;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.util.Map;

/** A real single-node KRaft Kafka broker inside the test JVM, on free ports, its log directories deleted on stop. */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedKafkaBroker broker;

    @Override
    public Map<String, String> start() {
        broker = new EmbeddedKafkaBroker()
                .withNodeId(1)
                .withKafkaPort(Ports.freePort())
                .withControllerPort(Ports.freePort())
                .withDeleteLogDirsOnClose(true)
                .start();
        return Map.of("kafka.bootstrap.servers", broker.getAdvertisedListeners());
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
        }
    }
}
