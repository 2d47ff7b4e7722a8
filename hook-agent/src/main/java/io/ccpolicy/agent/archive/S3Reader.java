package io.ccpolicy.agent.archive;

import io.ccpolicy.engine.audit.ArchiveVerifier;
import io.ccpolicy.engine.audit.Sha256;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * Read-only access to an S3-compatible bucket (ListObjectsV2 and GetObject, path-style, AWS Signature Version 4), so the
 * agent can verify the audit archive without an SDK. Keys are relative to the given prefix.
 */
public final class S3Reader implements ArchiveVerifier.Storage {

    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String EMPTY_SHA256 = Sha256.hex(new byte[0]);

    private final URI endpoint;
    private final String bucket;
    private final String prefix;
    private final String region;
    private final String accessKey;
    private final String secretKey;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public S3Reader(URI endpoint, String bucket, String prefix, String region, String accessKey, String secretKey, Clock clock) {
        this.endpoint = endpoint;
        this.bucket = bucket;
        this.prefix = prefix;
        this.region = region;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.clock = clock;
    }

    @Override
    public List<String> list(String keyPrefix) {
        List<String> keys = new ArrayList<>();
        String token = null;
        do {
            Map<String, String> query = new TreeMap<>();
            query.put("list-type", "2");
            query.put("prefix", prefix + keyPrefix);
            if (token != null) {
                query.put("continuation-token", token);
            }
            HttpResponse<byte[]> response = get("/" + bucket, query);
            if (response.statusCode() != 200) {
                throw new IllegalStateException("listing s3://" + bucket + "/" + prefix + keyPrefix + " failed: HTTP "
                        + response.statusCode() + " " + errorCode(response.body()));
            }
            Document xml = parse(response.body());
            NodeList contents = xml.getElementsByTagName("Key");
            for (int i = 0; i < contents.getLength(); i++) {
                keys.add(contents.item(i).getTextContent().substring(prefix.length()));
            }
            boolean truncated = "true".equals(text(xml, "IsTruncated"));
            token = truncated ? text(xml, "NextContinuationToken") : null;
        } while (token != null);
        return keys;
    }

    @Override
    public byte[] read(String key) {
        HttpResponse<byte[]> response = get("/" + bucket + "/" + prefix + key, Map.of());
        if (response.statusCode() == 404) {
            return null;
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("reading s3://" + bucket + "/" + prefix + key + " failed: HTTP " + response.statusCode()
                    + " " + errorCode(response.body()));
        }
        return response.body();
    }

    private HttpResponse<byte[]> get(String path, Map<String, String> query) {
        String canonicalPath = java.util.Arrays.stream(path.split("/", -1)).map(S3Reader::encode).collect(Collectors.joining("/"));
        String canonicalQuery = new TreeMap<>(query).entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        String amzDate = AMZ_DATE.format(clock.instant());
        String date = amzDate.substring(0, 8);
        String host = endpoint.getPort() < 0 ? endpoint.getHost() : endpoint.getHost() + ":" + endpoint.getPort();
        String canonicalRequest = String.join("\n", "GET", canonicalPath, canonicalQuery,
                "host:" + host, "x-amz-content-sha256:" + EMPTY_SHA256, "x-amz-date:" + amzDate, "",
                "host;x-amz-content-sha256;x-amz-date", EMPTY_SHA256);
        String scope = date + "/" + region + "/s3/aws4_request";
        String toSign = String.join("\n", "AWS4-HMAC-SHA256", amzDate, scope, Sha256.hex(canonicalRequest));
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, "s3");
        key = hmac(key, "aws4_request");
        String signature = HexFormat.of().formatHex(hmac(key, toSign));
        String base = endpoint.toString().replaceAll("/+$", "");
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + canonicalPath + (canonicalQuery.isEmpty() ? "" : "?" + canonicalQuery)))
                .timeout(Duration.ofSeconds(60))
                .header("x-amz-date", amzDate)
                .header("x-amz-content-sha256", EMPTY_SHA256)
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + scope
                        + ", SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" + signature)
                .GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("S3 endpoint " + endpoint + " not reachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** RFC 3986 encoding as SigV4 wants it: unreserved characters kept, space as %20. */
    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private static Document parse(byte[] xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
        } catch (Exception e) {
            throw new IllegalStateException("S3 answered with unreadable XML: " + e.getMessage(), e);
        }
    }

    private static String text(Document xml, String tag) {
        NodeList nodes = xml.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent();
    }

    private static String errorCode(byte[] body) {
        try {
            String code = text(parse(body), "Code");
            return code == null ? "" : "(" + code + ")";
        } catch (RuntimeException e) {
            return "";
        }
    }
}
