package io.ccpolicy.policy.bench;

import io.ccpolicy.testinfra.LocalTokens;
import io.ccpolicy.testinfra.Ports;
import io.ccpolicy.testinfra.ServiceProcess;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.HttpServerRequest;
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
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

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
            // as deployed (k8s/base/policy-service: 768Mi; the image's entrypoint: InitialRAMPercentage=50,
            // MaxRAMPercentage=75), with the collector the JVM picks there: Serial, as under 1792 MB it takes its
            // container for a client machine
            try (ServiceProcess service = new ServiceProcess(Path.of("target", "quarkus-app", "quarkus-run.jar"),
                    List.of("-Xms384m", "-Xmx576m", "-XX:+UseSerialGC"),
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
        // Both warmed until the service's CPU per answer settles, as in a service that has run for days: after one round of
        // 5,000 each, C2 still took half of the service's CPU samples (async-profiler), and so most of the measured time
        System.out.println("  warm-up, not measured, until the service's CPU per answer settles:");
        double previousCpu = Double.MAX_VALUE;
        for (int round = 1; round <= 12; round++) {
            Duration before = service.cpuTime();
            timeSequential(bundleRequest(service, agent, "machine-0", etag, 0), 5000, 304);
            timeSequential(HttpRequest.newBuilder(service.url("/q/health/live")).build(), 5000, 200);
            double roundCpu = service.cpuTime().minus(before).toNanos() / 10_000 / 1e3;
            System.out.printf("    round %d: service CPU %.0f us per answer%n", round, roundCpu);
            if (roundCpu > previousCpu * 0.9) {
                break;
            }
            previousCpu = roundCpu;
        }
        Duration cpu = service.cpuTime();
        long[] notModified = timeSequential(bundleRequest(service, agent, "machine-0", etag, 0), 5000, 304);
        Duration notModifiedCpu = service.cpuTime().minus(cpu);
        long[] floor = timeSequential(HttpRequest.newBuilder(service.url("/q/health/live")).build(), 5000, 200);
        Duration floorCpu = service.cpuTime().minus(cpu).minus(notModifiedCpu);
        print("conditional GET answered 304", notModified);
        print("baseline, GET /q/health/live", floor);
        System.out.printf("    304 p99 / baseline p99: %.1f x%n", percentile(notModified, 99) / percentile(floor, 99));
        // CPU per answer says what an answer costs the service, apart from the waits this shared machine adds to latency
        System.out.printf("    service CPU per answer: 304 %.0f us, /q/health/live %.0f us%n", notModifiedCpu.toNanos() / 5000 / 1e3,
                floorCpu.toNanos() / 5000 / 1e3);

        List<String> users = new ArrayList<>();
        List<String> userEtags = new ArrayList<>();
        int bundleBytes = 0;
        for (int i = 0; i < agents; i++) {
            // Each agent its own developer (50 teams): every answer is a bundle signed for that identity, as in production.
            users.add(tokens.token("dev" + i + "@acme.com", List.of("agent"), List.of("team-" + (i % 50))));
            HttpResponse<byte[]> first = http.send(bundleRequest(service, users.get(i), "machine-" + i, null, 0), HttpResponse.BodyHandlers.ofByteArray());
            userEtags.add(first.headers().firstValue("ETag").orElseThrow());
            bundleBytes = first.body().length;
            if (i % 500 == 499) {
                System.out.printf("\r  %,d agents have their first bundle", i + 1);
            }
        }
        System.out.println();
        // Baseline: the least any server can do here, answering as many held requests at once with a body of the bundle's
        // size, to this same client on the same two cores. In its own process, as policy-service is: one process holding
        // both ends of 10,000 connections would pass the file limit.
        Process trivial = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), HeldRequestServer.class.getName(), String.valueOf(agents), String.valueOf(bundleBytes))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        double least;
        try {
            int port = Integer.parseInt(new java.io.BufferedReader(new java.io.InputStreamReader(trivial.getInputStream(), StandardCharsets.UTF_8))
                    .readLine().trim());
            URI held = URI.create("http://127.0.0.1:" + port + "/held");
            HttpRequest count = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/count")).build();
            IntFunction<HttpRequest> hold = i -> HttpRequest.newBuilder(held).timeout(Duration.ofSeconds(180)).build();
            Callable<Integer> holding = () -> Integer.parseInt(http.send(count, HttpResponse.BodyHandlers.ofString()).body());
            Release release = () -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/release")).build(),
                    HttpResponse.BodyHandlers.discarding());
            System.out.println("  warm-up round, not measured:");
            holdThenRelease(agents, hold, i -> "old", holding, release, new String[agents]);
            long[] trivialDelays = holdThenRelease(agents, hold, i -> "old", holding, release, new String[agents]);
            print("baseline, trivial server releasing all", trivialDelays);
            least = Arrays.stream(trivialDelays).max().getAsLong() / 1e9;
            System.out.printf("    all %,d held requests answered within %.2f s%n", trivialDelays.length, least);
        } finally {
            trivial.destroy();
        }
        // A service that has run for days has compiled its wake-up path at an earlier publication; a first one would
        // measure the JIT compiler (C2 took 38% of the service's CPU samples in the first publication's window).
        System.out.println("  warm-up publication, not measured:");
        String[] warmEtags = new String[agents];
        holdThenRelease(agents, i -> bundleRequest(service, users.get(i), "machine-" + i, userEtags.get(i), 120), userEtags::get,
                () -> heldPolls(http, service), () -> publish(http, service, admin, "warm-up"), warmEtags);
        userEtags.clear();
        userEtags.addAll(Arrays.asList(warmEtags));
        long[] delays = holdThenRelease(agents, i -> bundleRequest(service, users.get(i), "machine-" + i, userEtags.get(i), 120), userEtags::get,
                () -> heldPolls(http, service), () -> publish(http, service, admin, "second"), new String[agents]);
        print("from publish to new bundle received", delays);
        double took = Arrays.stream(delays).max().getAsLong() / 1e9;
        System.out.printf("    all %,d agents notified within %.2f s%n", delays.length, took);
        System.out.printf("    policy-service / baseline: %.1f x%n", took / least);
    }

    /**
     * The baseline server (Vert.x, as under Quarkus): holds every request to {@code /held}, answers them all with a body
     * of the given size at {@code /release}, and tells how many it holds at {@code /count}. Prints its port first.
     */
    public static final class HeldRequestServer {
        public static void main(String[] args) throws Exception {
            Buffer body = Buffer.buffer("x".repeat(Integer.parseInt(args[1])));
            Queue<HttpServerRequest> held = new ConcurrentLinkedQueue<>();
            HttpServer server = Vertx.vertx().createHttpServer(new HttpServerOptions().setAcceptBacklog(Integer.parseInt(args[0])))
                    .requestHandler(request -> {
                        switch (request.path()) {
                            case "/held" -> held.add(request);
                            case "/count" -> request.response().end(String.valueOf(held.size()));
                            default -> {
                                for (HttpServerRequest waiting = held.poll(); waiting != null; waiting = held.poll()) {
                                    waiting.response().putHeader("ETag", "\"new\"").end(body);
                                }
                                request.response().end();
                            }
                        }
                    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
            System.out.println(server.actualPort());
        }
    }

    /** What a release is: a publication, or the baseline's answering every held request. */
    private interface Release {
        void run() throws Exception;
    }

    /**
     * Holds one request per agent on its own connection until the server reports them all held, runs {@code release},
     * and returns each agent's time from the release to a 200 with a new ETag, which it puts in {@code newEtags}. Fails
     * unless every agent gets one.
     */
    private static long[] holdThenRelease(int agents, IntFunction<HttpRequest> request, IntFunction<String> knownEtag, Callable<Integer> held,
            Release release, String[] newEtags) throws Exception {
        // Each held request on its own HTTP/1.1 connection, as each agent on its own machine holds one (over one HTTP/2
        // connection the streams would queue on that connection's lock, which no fleet shares). A Vert.x client: the JDK's
        // spends seconds of these two cores receiving 10,000 answers, which would measure the client, not the server.
        Vertx vertx = Vertx.vertx();
        io.vertx.core.http.HttpClient pollers = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(60_000),
                new PoolOptions().setHttp1MaxSize(agents));
        AtomicInteger failed = new AtomicInteger();
        long[] received = new long[agents];
        List<CompletableFuture<Void>> polls = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            int index = i;
            String known = knownEtag.apply(i);
            HttpRequest asked = request.apply(i);
            polls.add(pollers.request(options(asked)).compose(sent -> sent.send()).compose(response -> response.body().map(body -> response))
                    .toCompletionStage().toCompletableFuture().thenAccept(response -> {
                        if (response.statusCode() == 200 && !known.equals(Objects.requireNonNullElse(response.getHeader("ETag"), known))) {
                            received[index] = System.nanoTime();
                            newEtags[index] = response.getHeader("ETag");
                        } else {
                            failed.incrementAndGet();
                        }
                    }).exceptionally(e -> {
                        if (failed.incrementAndGet() == 1) {
                            System.out.println("\n  first failure: " + e);
                        }
                        return null;
                    }));
            if (i % 100 == 99) {
                System.out.printf("\r  %,d long polls open, %,d failed", i + 1, failed.get());
                Thread.sleep(100); // connection ramp (1,000 a second, as a fleet reconnecting), not measurement
            }
        }
        System.out.println();
        awaitHeld(() -> {
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " of " + agents + " long polls failed before the release");
            }
            return held.call();
        }, agents); // the figure starts at the release, with every agent waiting for it
        long released = System.nanoTime();
        release.run();
        CompletableFuture.allOf(polls.toArray(CompletableFuture[]::new)).get();
        vertx.close().toCompletionStage().toCompletableFuture().get();
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " of " + agents + " agents did not receive a new answer");
        }
        return Arrays.stream(received).map(t -> t - released).toArray();
    }

    /** Until {@code held} reports {@code agents}, printing progress. */
    private static void awaitHeld(Callable<Integer> held, int agents) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        for (int now = held.call(); now < agents; now = held.call()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + now + " of " + agents + " long polls reached the server within 2 minutes");
            }
            System.out.printf("\r  %,d long polls held by the server", now);
            Thread.sleep(200); // polling a gauge, not waiting for work to finish
        }
        System.out.printf("\r  %,d long polls held by the server%n", agents);
    }

    /** The service's own gauge of held long polls. */
    private static int heldPolls(HttpClient http, ServiceProcess service) throws Exception {
        return http.send(HttpRequest.newBuilder(service.url("/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body().lines()
                .filter(line -> line.startsWith("policy_bundle_polls_held ")).mapToInt(line -> (int) Double.parseDouble(line.split(" ")[1]))
                .findFirst().orElse(0);
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

    /** {@code count} requests one after another on one keep-alive connection (a Vert.x client, as the fleet figure uses). */
    private static long[] timeSequential(HttpRequest request, int count, int expectedStatus) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            io.vertx.core.http.HttpClient client = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(1));
            RequestOptions options = options(request);
            for (int i = 0; i < 1000; i++) { // warm-up
                status(client, options);
            }
            long[] nanos = new long[count];
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                long began = System.nanoTime();
                int status = status(client, options);
                nanos[i] = System.nanoTime() - began;
                if (status != expectedStatus) {
                    throw new IllegalStateException(request.uri() + " answered " + status + ", expected " + expectedStatus);
                }
            }
            System.out.printf("  %-36s %,8.0f requests/s on one connection%n", request.uri().getPath(), count / ((System.nanoTime() - start) / 1e9));
            return nanos;
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    private static int status(io.vertx.core.http.HttpClient client, RequestOptions options) throws Exception {
        return client.request(options).compose(sent -> sent.send()).compose(response -> response.body().map(body -> response.statusCode()))
                .toCompletionStage().toCompletableFuture().get();
    }

    /** The JDK request as Vert.x request options: its URI and headers. */
    private static RequestOptions options(HttpRequest request) {
        RequestOptions options = new RequestOptions().setAbsoluteURI(request.uri().toString()).setIdleTimeout(180_000);
        request.headers().map().forEach((name, values) -> values.forEach(value -> options.addHeader(name, value)));
        return options;
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
