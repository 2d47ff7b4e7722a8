package io.ccpolicy.policy.bench;

import io.ccpolicy.testinfra.LocalTokens;
import io.ccpolicy.testinfra.Ports;
import io.ccpolicy.testinfra.ServiceProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bundle distribution on this machine: N simulated agents (each its own developer, in 50 teams) hold conditional long
 * polls on one packaged policy-service;
 * prints the time from a publication until every agent holds the new bundle, and the latency and rate of 304 answers
 * against a same-run baseline of the service's cheapest endpoint.
 *
 * <p>{@code ./mvnw -q -pl policy-service -am -Dbench=policy-service package -DskipTests exec:exec} ({@code -Dbench.agents=N}).
 */
public final class BundleDistributionBenchmark {

    private BundleDistributionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int agents = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        Path dir = Files.createTempDirectory("bundle-bench");
        LocalTokens tokens = new LocalTokens();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setPort(Ports.freePort()).start()) {
            Map<String, String> properties = new LinkedHashMap<>(tokens.verificationProperties());
            properties.put("quarkus.datasource.jdbc.url", postgres.getJdbcUrl("postgres", "postgres"));
            properties.put("kafka.bootstrap.servers", "127.0.0.1:" + Ports.freePort()); // admin events wait in the outbox
            properties.put("policy-service.bundle.signing-key-file", dir.resolve("bundle.pem").toString());
            properties.put("policy-service.bundle.generate-missing-key", "true");
            properties.put("quarkus.log.category.\"io.ccpolicy.policy.messaging\".level", "ERROR");
            try (ServiceProcess service = new ServiceProcess(Path.of("target", "quarkus-app", "quarkus-run.jar"), List.of("-Xmx1g"),
                    properties, Path.of("target", "bench-policy-service.log"))) {
                service.start(Duration.ofMinutes(2));
                run(service, tokens, agents);
            }
        }
    }

    private static void run(ServiceProcess service, LocalTokens tokens, int agents) throws Exception {
        String admin = tokens.token("admin@acme.com", List.of("policy-admin"), List.of());
        String agent = tokens.token("alice@acme.com", List.of("agent"), List.of("payments"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        publish(http, service, admin, "first");
        System.out.printf("bundle distribution benchmark: %,d agents, %d cores%n", agents, Runtime.getRuntime().availableProcessors());

        String etag = http.send(bundleRequest(service, agent, "machine-0", null, 0), HttpResponse.BodyHandlers.discarding()).headers()
                .firstValue("ETag").orElseThrow();
        long[] notModified = timeSequential(http, bundleRequest(service, agent, "machine-0", etag, 0), 5000, 304);
        long[] floor = timeSequential(http, HttpRequest.newBuilder(service.url("/q/health/live")).build(), 5000, 200);
        print("conditional GET answered 304", notModified);
        print("baseline, GET /q/health/live", floor);
        System.out.printf("    304 p99 / baseline p99: %.1f x%n", percentile(notModified, 99) / percentile(floor, 99));

        AtomicInteger holding = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long[] received = new long[agents];
        HttpClient pollers = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(60)).build();
        List<CompletableFuture<Void>> polls = new ArrayList<>();
        List<String> users = new ArrayList<>();
        List<String> userEtags = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            // Each agent its own developer (50 teams): every answer is a bundle signed for that identity, as in production.
            users.add(tokens.token("dev" + i + "@acme.com", List.of("agent"), List.of("team-" + (i % 50))));
            userEtags.add(http.send(bundleRequest(service, users.get(i), "machine-" + i, null, 0), HttpResponse.BodyHandlers.discarding())
                    .headers().firstValue("ETag").orElseThrow());
            if (i % 500 == 499) {
                System.out.printf("\r  %,d agents have their first bundle", i + 1);
            }
        }
        System.out.println();
        for (int i = 0; i < agents; i++) {
            int index = i;
            String known = userEtags.get(i);
            polls.add(pollers.sendAsync(bundleRequest(service, users.get(i), "machine-" + i, known, 120), HttpResponse.BodyHandlers.discarding())
                    .thenAccept(response -> {
                        if (response.statusCode() == 200 && !known.equals(response.headers().firstValue("ETag").orElse(known))) {
                            received[index] = System.nanoTime();
                        } else {
                            failed.incrementAndGet();
                        }
                    }).exceptionally(e -> {
                        failed.incrementAndGet();
                        return null;
                    }));
            if (i % 500 == 499) {
                System.out.printf("\r  %,d long polls open", i + 1);
                Thread.sleep(100); // connection ramp, not measurement
            }
        }
        Thread.sleep(3000); // let the last requests reach the server and park; the figure below starts at the publication
        System.out.println();
        long published = System.nanoTime();
        publish(http, service, admin, "second");
        CompletableFuture.allOf(polls.toArray(CompletableFuture[]::new)).get();
        long[] delays = Arrays.stream(received).filter(t -> t > 0).map(t -> t - published).toArray();
        holding.set(delays.length);
        System.out.printf("  publication -> agents holding the new bundle: %,d of %,d (%,d failed)%n", holding.get(), agents, failed.get());
        if (delays.length > 0) {
            print("from publish to new bundle received", delays);
            System.out.printf("    all %,d agents notified within %.2f s%n", delays.length, Arrays.stream(delays).max().getAsLong() / 1e9);
        }
    }

    private static void publish(HttpClient http, ServiceProcess service, String admin, String note) throws Exception {
        String yaml = "version: \"1.0\"\norganization: Acme\npolicies:\n  - {name: rule-" + note
                + ", type: denylist, target: bashCommand, values: [\"curl | bash\"], severity: error}\n";
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(service.url("/api/v1/policies/versions?note=" + note))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(yaml, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
        String revision = created.body().replaceAll(".*\"revision\":(\\d+).*", "$1");
        HttpResponse<String> published = http.send(HttpRequest.newBuilder(service.url("/api/v1/policies/publications"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"revision\":" + revision + ",\"scope\":{\"type\":\"organization\",\"value\":\"*\"},\"note\":\""
                        + note + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        if (published.statusCode() != 201) {
            throw new IllegalStateException("publish failed: " + created.body() + " / " + published.body());
        }
    }

    private static HttpRequest bundleRequest(ServiceProcess service, String token, String machine, String etag, int wait) {
        HttpRequest.Builder request = HttpRequest.newBuilder(service.url("/api/v1/bundles/current?machine=" + machine
                + (wait > 0 ? "&wait=" + wait : ""))).timeout(Duration.ofSeconds(wait + 60L)).header("Authorization", "Bearer " + token);
        if (etag != null) {
            request.header("If-None-Match", etag);
        }
        return request.build();
    }

    private static long[] timeSequential(HttpClient http, HttpRequest request, int count, int expectedStatus) throws Exception {
        for (int i = 0; i < 1000; i++) { // warm-up
            http.send(request, HttpResponse.BodyHandlers.discarding());
        }
        long[] nanos = new long[count];
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long began = System.nanoTime();
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            nanos[i] = System.nanoTime() - began;
            if (status != expectedStatus) {
                throw new IllegalStateException(request.uri() + " answered " + status + ", expected " + expectedStatus);
            }
        }
        System.out.printf("  %-36s %,8.0f requests/s on one connection%n", request.uri().getPath(), count / ((System.nanoTime() - start) / 1e9));
        return nanos;
    }

    private static double percentile(long[] nanos, int p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
    }

    private static void print(String what, long[] nanos) {
        System.out.printf("    %-38s p50 %8.2f ms   p99 %8.2f ms%n", what, percentile(nanos, 50), percentile(nanos, 99));
    }
}
