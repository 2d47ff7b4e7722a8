package io.ccpolicy.agent.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A scripted stand-in for the Anthropic Messages API, so the real Claude Code CLI runs offline: the main conversation
 * gets the scenario's turns in order (text and tool calls), sub-agents get theirs, side requests get a short text.
 * Every tool result the CLI sends back is recorded, with the hook's refusal text when a hook blocked the call.
 */
public final class FakeMessagesApi implements AutoCloseable {

    /** One tool call the model makes. */
    public record Call(String name, Map<String, Object> input) {
    }

    /** One assistant turn: text, tool calls, and an action to run just before it is served (e.g. edit the policy). */
    public record Turn(String text, List<Call> calls, Runnable before) {

        public static Turn calls(Call... calls) {
            return new Turn("", List.of(calls), () -> { });
        }

        public static Turn text(String text) {
            return new Turn(text, List.of(), () -> { });
        }

        public Turn before(Runnable action) {
            return new Turn(text, calls, action);
        }
    }

    /** What the CLI reported for one tool call. */
    public record ToolResult(String id, String tool, boolean isError, String content) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<Turn> main;
    private final List<Turn> subagent;
    private final Map<String, ToolResult> results = new ConcurrentHashMap<>();
    private final Map<String, String> toolNames = new ConcurrentHashMap<>();
    private final List<String> mainRequests = new CopyOnWriteArrayList<>();
    private final List<Long> mainRequestNanos = new CopyOnWriteArrayList<>();
    /** Each main turn's action, run once; a retried request for the turn waits for it rather than overtake it. */
    private final Map<Integer, java.util.concurrent.CompletableFuture<Void>> prepared = new ConcurrentHashMap<>();
    private volatile String mainConversation;
    private final int inputTokensPerResponse;
    private final java.util.concurrent.atomic.AtomicLong messages = new java.util.concurrent.atomic.AtomicLong();
    private final Map<String, Long> usage = new ConcurrentHashMap<>();

    /** {@code inputTokensPerResponse} fixes the usage each response reports, so token budgets are deterministic. */
    public FakeMessagesApi(List<Turn> main, List<Turn> subagent, int inputTokensPerResponse) throws IOException {
        this.main = main;
        this.subagent = subagent;
        this.inputTokensPerResponse = inputTokensPerResponse;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", this::handle);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<ToolResult> results() {
        return results.values().stream().sorted((a, b) -> a.id().compareTo(b.id())).toList();
    }

    /** Input plus output tokens of every message this API answered, by message id. */
    public Map<String, Long> usage() {
        return usage;
    }

    /** The result of the i-th call of main turn t (0-based). */
    public ToolResult result(int turn, int call) {
        return results.get("toolu_m" + turn + "_" + call);
    }

    ToolResult subagentResult(int turn, int call) {
        return results.get("toolu_s" + turn + "_" + call);
    }

    /** When each main-conversation request arrived (System.nanoTime), for timing a session turn by turn. */
    List<Long> mainRequestNanos() {
        return mainRequestNanos;
    }

    /** Every main-conversation request body, as sent (system prompt, messages, tool results). */
    List<String> mainRequests() {
        return mainRequests;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        byte[] raw = exchange.getRequestBody().readAllBytes();
        try {
            if (path.equals("/v1/messages") && exchange.getRequestMethod().equals("POST")) {
                messages(exchange, raw);
            } else if (path.equals("/v1/messages/count_tokens")) {
                send(exchange, 200, "application/json", "{\"input_tokens\":" + Math.max(1, raw.length / 4) + "}");
            } else if (path.startsWith("/v1/models")) {
                send(exchange, 200, "application/json", "{\"data\":[{\"type\":\"model\",\"id\":\"claude-sonnet-4-5\",\"display_name\":\"x\","
                        + "\"created_at\":\"2025-01-01T00:00:00Z\"}],\"has_more\":false}");
            } else {
                send(exchange, 200, "application/json", "{\"ok\":true}");
            }
        } catch (RuntimeException e) {
            send(exchange, 500, "application/json", "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"" + e + "\"}}");
        }
    }

    private void messages(HttpExchange exchange, byte[] raw) throws IOException {
        JsonNode body = JSON.readTree(raw);
        JsonNode messages = body.path("messages");
        recordToolResults(messages);
        boolean agentLoop = body.path("tools").isArray() && body.path("tools").size() > 0;
        if (!agentLoop) {
            reply(exchange, body, List.of(text("ok")), "end_turn");
            return;
        }
        String text = new String(raw, StandardCharsets.UTF_8);
        boolean isMain = conversationIsMain(messages, text);
        int turn = nextTurn(text, isMain ? "toolu_m" : "toolu_s");
        List<Turn> script = isMain ? main : subagent;
        if (isMain) {
            mainRequests.add(text);
            mainRequestNanos.add(System.nanoTime());
        }
        if (turn >= script.size()) {
            reply(exchange, body, List.of(text("(scenario finished)")), "end_turn");
            return;
        }
        Turn current = script.get(turn);
        if (isMain) {
            java.util.concurrent.CompletableFuture<Void> mine = new java.util.concurrent.CompletableFuture<>();
            java.util.concurrent.CompletableFuture<Void> first = prepared.putIfAbsent(turn, mine);
            if (first == null) {
                try {
                    current.before().run();
                } finally {
                    mine.complete(null);
                }
            } else {
                first.join();
            }
        }
        List<ObjectNode> blocks = new ArrayList<>();
        if (!current.text().isEmpty()) {
            blocks.add(text(current.text()));
        }
        for (int i = 0; i < current.calls().size(); i++) {
            Call call = current.calls().get(i);
            String id = "toolu_" + (isMain ? "m" : "s") + turn + "_" + i;
            toolNames.put(id, call.name());
            ObjectNode block = JSON.createObjectNode().put("type", "tool_use").put("id", id).put("name", call.name());
            block.set("input", JSON.valueToTree(call.input()));
            blocks.add(block);
        }
        reply(exchange, body, blocks, current.calls().isEmpty() ? "end_turn" : "tool_use");
    }

    private boolean conversationIsMain(JsonNode messages, String text) {
        if (text.contains("\"toolu_m")) {
            return true;
        }
        if (text.contains("\"toolu_s")) {
            return false;
        }
        String first = messages.path(0).path("content").toString().replaceAll(",?\"cache_control\":\\{[^}]*}", "");
        if (mainConversation == null) {
            mainConversation = first;
        }
        return mainConversation.equals(first);
    }

    private void recordToolResults(JsonNode messages) {
        for (JsonNode message : messages) {
            if (!message.path("content").isArray()) {
                continue;
            }
            for (JsonNode block : message.path("content")) {
                if (block.path("type").asText().equals("tool_result")) {
                    String id = block.path("tool_use_id").asText();
                    JsonNode content = block.path("content");
                    String text = content.isTextual() ? content.asText() : content.toString();
                    results.putIfAbsent(id, new ToolResult(id, toolNames.getOrDefault(id, "?"), block.path("is_error").asBoolean(false), text));
                }
            }
        }
    }

    /**
     * The turn to serve: one past the newest of our tool-call ids the conversation carries (the CLI may merge or repair
     * messages, so counting assistant messages is not reliable), 0 for a new conversation.
     */
    private static int nextTurn(String body, String prefix) {
        java.util.regex.Matcher ids = java.util.regex.Pattern.compile("\"" + prefix + "(\\d+)_").matcher(body);
        int newest = -1;
        while (ids.find()) {
            newest = Math.max(newest, Integer.parseInt(ids.group(1)));
        }
        return newest + 1;
    }

    private static ObjectNode text(String text) {
        return JSON.createObjectNode().put("type", "text").put("text", text);
    }

    private void reply(HttpExchange exchange, JsonNode request, List<ObjectNode> blocks, String stopReason) throws IOException {
        String model = request.path("model").asText("claude-sonnet-4-5");
        int inputTokens = inputTokensPerResponse;
        int outputTokens = Math.max(1, blocks.toString().length() / 4);
        // every message its own id, as the real API: transcripts repeat a message's usage on each content block's line
        String id = "msg_fake_" + messages.incrementAndGet();
        usage.put(id, (long) inputTokens + outputTokens);
        if (!request.path("stream").asBoolean(false)) {
            ObjectNode message = JSON.createObjectNode().put("id", id).put("type", "message").put("role", "assistant")
                    .put("model", model).put("stop_reason", stopReason);
            message.set("content", JSON.valueToTree(blocks));
            message.set("usage", JSON.createObjectNode().put("input_tokens", inputTokens).put("output_tokens", outputTokens));
            send(exchange, 200, "application/json", message.toString());
            return;
        }
        StringBuilder sse = new StringBuilder();
        ObjectNode start = JSON.createObjectNode().put("id", id).put("type", "message").put("role", "assistant").put("model", model);
        start.set("content", JSON.createArrayNode());
        start.putNull("stop_reason");
        start.set("usage", JSON.createObjectNode().put("input_tokens", inputTokens).put("output_tokens", 1));
        event(sse, "message_start", JSON.createObjectNode().set("message", start));
        for (int i = 0; i < blocks.size(); i++) {
            ObjectNode block = blocks.get(i);
            ObjectNode startBlock = block.deepCopy();
            ObjectNode delta = JSON.createObjectNode();
            if (block.path("type").asText().equals("text")) {
                startBlock.put("text", "");
                delta.put("type", "text_delta").put("text", block.path("text").asText());
            } else {
                startBlock.set("input", JSON.createObjectNode());
                delta.put("type", "input_json_delta").put("partial_json", block.path("input").toString());
            }
            event(sse, "content_block_start", JSON.createObjectNode().put("index", i).set("content_block", startBlock));
            event(sse, "content_block_delta", JSON.createObjectNode().put("index", i).set("delta", delta));
            event(sse, "content_block_stop", JSON.createObjectNode().put("index", i));
        }
        ObjectNode messageDelta = JSON.createObjectNode();
        messageDelta.set("delta", JSON.createObjectNode().put("stop_reason", stopReason).putNull("stop_sequence"));
        messageDelta.set("usage", JSON.createObjectNode().put("output_tokens", outputTokens));
        event(sse, "message_delta", messageDelta);
        event(sse, "message_stop", JSON.createObjectNode());
        send(exchange, 200, "text/event-stream", sse.toString());
    }

    private static void event(StringBuilder sse, String type, ObjectNode data) {
        ObjectNode payload = JSON.createObjectNode().put("type", type);
        payload.setAll(data);
        sse.append("event: ").append(type).append('\n').append("data: ").append(payload).append("\n\n");
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("request-id", "req_fake");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

}
