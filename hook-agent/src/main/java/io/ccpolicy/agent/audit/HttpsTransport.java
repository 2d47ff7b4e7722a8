package io.ccpolicy.agent.audit;

import io.ccpolicy.agent.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * Ships to audit-ingest's batch endpoint (the policy's {@code audit.destination}) for laptops that cannot reach Kafka:
 * gzip-compressed NDJSON with the developer's (or machine's) token. A batch counts as shipped only when the answer
 * accounts for every line; a lost answer sends the batch again, which audit-ingest stores once.
 */
final class HttpsTransport implements AuditTransport {

    /** Uncompressed bytes per request, well below audit-ingest's limit (32 MB), so no batch_size is ever refused as too large. */
    static final int MAX_REQUEST_BYTES = 8 * 1024 * 1024;

    private final URI endpoint;
    private final Supplier<String> token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HttpsTransport(URI endpoint, Supplier<String> token) {
        this.endpoint = endpoint;
        this.token = token;
    }

    @Override
    public List<String> send(List<String> lines) throws Exception {
        List<String> outcome = new ArrayList<>(lines.size());
        int from = 0;
        while (from < lines.size()) {
            int to = from;
            long bytes = 0;
            while (to < lines.size()) {
                int size = lines.get(to).getBytes(StandardCharsets.UTF_8).length + 1;
                if (to > from && bytes + size > MAX_REQUEST_BYTES) {
                    break;
                }
                bytes += size;
                to++;
            }
            outcome.addAll(post(lines.subList(from, to)));
            from = to;
        }
        return outcome;
    }

    private List<String> post(List<String> batch) throws IOException, InterruptedException {
        // audit-ingest skips blank lines and counts the rest: a blank spool line is set aside here, so the counts agree
        List<String> lines = batch.stream().filter(line -> !line.isBlank()).toList();
        if (lines.size() < batch.size()) {
            List<String> sent = lines.isEmpty() ? List.of() : post(lines);
            List<String> outcome = new ArrayList<>(batch.size());
            int next = 0;
            for (String line : batch) {
                outcome.add(line.isBlank() ? "a blank line, not an event" : sent.get(next++));
            }
            return outcome;
        }
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-ndjson").header("Content-Encoding", "gzip")
                .header("Authorization", "Bearer " + token.get())
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(lines))).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 413) {
            // a proxy on the way takes less than a batch: halves go through, and one event it never takes is set aside
            if (lines.size() == 1) {
                return java.util.Collections.singletonList("larger than " + endpoint + " accepts (413)");
            }
            List<String> outcome = new ArrayList<>(post(lines.subList(0, lines.size() / 2)));
            outcome.addAll(post(lines.subList(lines.size() / 2, lines.size())));
            return outcome;
        }
        if (response.statusCode() != 200) {
            String[] problem = new String[1];
            Object detail = Json.object(response.body(), problem).orElse(Map.of()).get("detail");
            throw new IOException(endpoint + " answered " + response.statusCode() + (detail == null ? "" : ": " + detail));
        }
        Map<String, Object> receipt = Json.object(response.body(), new String[1])
                .orElseThrow(() -> new IOException(endpoint + " answered 200 without a receipt"));
        if (!(receipt.get("lines") instanceof Number counted) || counted.intValue() != lines.size()
                || !(receipt.get("refused") instanceof List<?> refused)) {
            throw new IOException(endpoint + " answered with a receipt that does not account for the " + lines.size() + " events sent: "
                    + response.body());
        }
        String[] outcome = new String[lines.size()];
        for (Object entry : refused) {
            if (entry instanceof Map<?, ?> r && r.get("line") instanceof Number line && line.intValue() >= 1 && line.intValue() <= lines.size()) {
                outcome[line.intValue() - 1] = "audit-ingest refused it: " + r.get("reason");
            }
        }
        return Arrays.asList(outcome);
    }

    private static byte[] gzip(List<String> lines) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            for (String line : lines) {
                out.write(line.getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public String destination() {
        return endpoint.toString();
    }

    @Override
    public void close() {
        // java.net.http's client holds no resources beyond its idle connections
    }
}
