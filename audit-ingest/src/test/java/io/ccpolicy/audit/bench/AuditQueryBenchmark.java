package io.ccpolicy.audit.bench;

import io.ccpolicy.audit.messaging.PipelineHarness;
import io.ccpolicy.testinfra.AuditEventLoader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * SIEM query speed with 1,000,000 stored events (30 days, 500 users, 50 machines): one user's events over one day
 * through the real API (bearer token, JSON), p50/p95/p99 over random users and days, against a same-run baseline of
 * the service's cheapest endpoint (the HTTP and framework floor).
 *
 * <p>{@code ./mvnw -q -pl audit-ingest -am -Dbench=audit-ingest package -DskipTests exec:exec@query}
 */
public final class AuditQueryBenchmark {

    private static final int EVENTS = 1_000_000;
    private static final int USERS = 500;
    private static final int DAYS = 30;

    private AuditQueryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        try (PipelineHarness pipeline = new PipelineHarness(Map.of("fsync", "on", "shared_buffers", "256MB"))) {
            Instant end = Instant.now().truncatedTo(ChronoUnit.DAYS);
            Instant start = end.minus(Duration.ofDays(DAYS));
            load(pipeline, start);
            HttpClient http = HttpClient.newHttpClient();
            String token = pipeline.token("auditor", Set.of("audit-reader"));
            Random random = new Random(7);
            int queries = 400;
            long[] floor = new long[queries];
            long[] query = new long[queries];
            long rows = 0;
            for (int round = -1; round < 1; round++) { // a warm-up round, then the measured one
                for (int i = 0; i < queries; i++) {
                    floor[i] = time(http, pipeline.url("/q/health/live"), null);
                    Instant day = start.plus(Duration.ofDays(random.nextInt(DAYS)));
                    String user = "user" + random.nextInt(USERS) + "@acme.com";
                    URI uri = pipeline.url("/api/v1/audit/events?user=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&from=" + day
                            + "&to=" + day.plus(Duration.ofDays(1)) + "&limit=1000");
                    long began = System.nanoTime();
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).build(),
                            HttpResponse.BodyHandlers.ofString());
                    query[i] = System.nanoTime() - began;
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("query answered " + response.statusCode() + ": " + response.body());
                    }
                    if (round == 0) {
                        rows += response.body().split("\"occurredAt\"", -1).length - 1;
                    }
                }
            }
            System.out.printf("  one user's events over one day (%,d queries, %.0f events returned on average):%n", queries, rows / (double) queries);
            print("GET /api/v1/audit/events?user&from&to", query);
            print("baseline, GET /q/health/live", floor);
            System.out.printf("  p95 ratio to the baseline: %.1f x%n", percentile(query, 95) / percentile(floor, 95));

            // The compliance summary behind SOC 2 / HIPAA reports: all 30 days, every event aggregated.
            int summaries = 5;
            long[] summary = new long[summaries];
            URI summaryUri = pipeline.url("/api/v1/audit/events/summary?from=" + start + "&to=" + end);
            time(http, summaryUri, token);
            for (int i = 0; i < summaries; i++) {
                summary[i] = time(http, summaryUri, token);
            }
            System.out.printf("  compliance summary of %d days, %,d events (%d runs after a warm-up):%n", DAYS, EVENTS, summaries);
            System.out.printf("    GET /api/v1/audit/events/summary           median %6.2f s   slowest %6.2f s   (goal for a whole report: < 10 s)%n",
                    percentile(summary, 50) / 1000, percentile(summary, 100) / 1000);
        }
    }

    private static void load(PipelineHarness pipeline, Instant start) throws Exception {
        System.out.print("audit query benchmark: ");
        try (Connection c = pipeline.connect()) {
            AuditEventLoader.load(c, start, EVENTS, USERS, DAYS);
        }
    }

    private static long time(HttpClient http, URI uri, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        long began = System.nanoTime();
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        long took = System.nanoTime() - began;
        if (response.statusCode() != 200) {
            throw new IllegalStateException(uri.getPath() + " answered " + response.statusCode() + ": " + response.body());
        }
        return took;
    }

    private static double percentile(long[] nanos, int p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
    }

    private static void print(String what, long[] nanos) {
        System.out.printf("    %-40s p50 %6.2f ms   p95 %6.2f ms   p99 %6.2f ms%n", what, percentile(nanos, 50), percentile(nanos, 95),
                percentile(nanos, 99));
    }
}
