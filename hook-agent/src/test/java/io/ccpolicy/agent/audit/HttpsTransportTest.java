package io.ccpolicy.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The HTTPS transport behind a proxy that takes less than a batch (nginx refuses bodies over 1 MB unless told): the
 * batch goes through in halves, and the one event no request can carry is set aside instead of wedging the spool.
 */
class HttpsTransportTest {

    @Test
    void aBatchTooLargeForAProxyOnTheWayGoesThroughInPartsAndAnEventItNeverTakesIsSetAside() throws Exception {
        int limit = 20 * 1024;
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        HttpServer proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        proxy.createContext("/api/v1/audit/batches", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (body.length > limit) {
                exchange.sendResponseHeaders(413, -1);
                exchange.close();
                return;
            }
            List<String> lines = new String(new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes(), StandardCharsets.UTF_8)
                    .lines().filter(l -> !l.isBlank()).toList();
            received.addAll(lines);
            byte[] receipt = ("{\"lines\":" + lines.size() + ",\"accepted\":" + lines.size() + ",\"refused\":[]}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, receipt.length);
            exchange.getResponseBody().write(receipt);
            exchange.close();
        });
        proxy.start();
        try {
            Random random = new Random(7);
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                batch.add("{\"eventId\":\"evt_" + i + "\",\"noise\":\"" + noise(random, i == 17 ? 40_000 : 2_000) + "\"}");
            }
            HttpsTransport transport = new HttpsTransport(URI.create("http://127.0.0.1:" + proxy.getAddress().getPort() + "/api/v1/audit/batches"),
                    () -> "token");
            List<String> outcome = transport.send(batch);

            assertThat(outcome).hasSize(40);
            assertThat(outcome.get(17)).contains("413");
            assertThat(outcome.stream().filter(o -> o != null)).hasSize(1);
            assertThat(received).as("every other event delivered, once").hasSize(39).doesNotHaveDuplicates().doesNotContain(batch.get(17));
        } finally {
            proxy.stop(0);
        }
    }

    /** Text gzip cannot shrink much, so the request's size follows the events'. */
    private static String noise(Random random, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }
}
