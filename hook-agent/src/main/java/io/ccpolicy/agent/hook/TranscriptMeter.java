package io.ccpolicy.agent.hook;

import com.fasterxml.jackson.databind.JsonNode;
import io.ccpolicy.agent.json.Json;
import io.ccpolicy.engine.SessionState;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens used in a session, from the {@code usage} of the assistant messages in its transcript (JSON lines) and in its
 * subagents' transcripts ({@code <session>/subagents/*.jsonl} beside it), so delegating work does not escape a budget.
 * Claude Code writes one line per content block of an API message, each with the message's usage: a message is counted
 * once, by {@code message.id} (its largest usage, should the lines differ). Each transcript is read incrementally:
 * only bytes added since the last call are parsed, and a partly written last line waits for the next call.
 */
public final class TranscriptMeter {

    /** Input, output, cache creation, cache read. */
    private record Usage(long input, long output, long cacheCreation, long cacheRead) {

        static final Usage NONE = new Usage(0, 0, 0, 0);

        Usage plus(Usage other) {
            return new Usage(input + other.input, output + other.output, cacheCreation + other.cacheCreation, cacheRead + other.cacheRead);
        }

        Usage minus(Usage other) {
            return new Usage(input - other.input, output - other.output, cacheCreation - other.cacheCreation, cacheRead - other.cacheRead);
        }

        Usage max(Usage other) {
            return new Usage(Math.max(input, other.input), Math.max(output, other.output), Math.max(cacheCreation, other.cacheCreation),
                    Math.max(cacheRead, other.cacheRead));
        }
    }

    private static final class Progress {
        String startTime;
        long offset;
        Usage total = Usage.NONE;
        final Map<String, Usage> messages = new HashMap<>();
    }

    private final Map<String, Progress> transcripts = new ConcurrentHashMap<>();

    /** Tokens of the session whose main transcript this is: the main conversation and its subagents. */
    public SessionState session(String transcriptPath) {
        if (transcriptPath == null || transcriptPath.isEmpty()) {
            return SessionState.NEW;
        }
        Usage total = read(transcriptPath);
        if (transcriptPath.endsWith(".jsonl")) {
            File subagents = new File(transcriptPath.substring(0, transcriptPath.length() - ".jsonl".length()), "subagents");
            String[] files = subagents.list(); // null (one failed call) for the common session without subagents
            if (files != null) {
                for (String name : files) {
                    if (name.endsWith(".jsonl")) {
                        total = total.plus(read(new File(subagents, name).getPath()));
                    }
                }
            }
        }
        return SessionState.of(total.input(), total.output(), total.cacheCreation(), total.cacheRead());
    }

    private Usage read(String transcriptPath) {
        Progress progress = transcripts.computeIfAbsent(transcriptPath, p -> new Progress());
        synchronized (progress) {
            // File.length() is one stat and no exception for a transcript that does not exist yet: the common fast path.
            long size = new File(transcriptPath).length();
            if (size == progress.offset) {
                return progress.total;
            }
            try (RandomAccessFile file = new RandomAccessFile(transcriptPath, "r")) {
                long length = file.length();
                if (length < progress.offset) {
                    progress.offset = 0; // rewritten: count again
                    progress.total = Usage.NONE;
                    progress.messages.clear();
                    progress.startTime = null;
                }
                if (length == progress.offset) {
                    return progress.total;
                }
                file.seek(progress.offset);
                byte[] added = new byte[(int) Math.min(length - progress.offset, 64L * 1024 * 1024)];
                file.readFully(added);
                int lastNewline = -1;
                for (int i = added.length - 1; i >= 0; i--) {
                    if (added[i] == '\n') {
                        lastNewline = i;
                        break;
                    }
                }
                if (lastNewline < 0) {
                    return progress.total;
                }
                String complete = new String(added, 0, lastNewline, StandardCharsets.UTF_8);
                for (String line : complete.split("\n")) {
                    if (progress.startTime == null) {
                        progress.startTime = timestamp(line);
                    }
                    count(progress, line);
                }
                progress.offset += lastNewline + 1;
            } catch (IOException e) {
                // no transcript yet (first prompt) or unreadable: what was counted so far stands
            }
            return progress.total;
        }
    }

    /** When the session whose main transcript this is began: its first entry's timestamp; null while none is written. */
    public String startTime(String transcriptPath) {
        if (transcriptPath == null || transcriptPath.isEmpty()) {
            return null;
        }
        read(transcriptPath);
        Progress progress = transcripts.get(transcriptPath);
        synchronized (progress) {
            return progress.startTime;
        }
    }

    /** An entry's ISO-8601 timestamp, or null. */
    private static String timestamp(String line) {
        if (!line.contains("\"timestamp\"")) {
            return null;
        }
        try {
            String text = Json.MAPPER.readTree(line).path("timestamp").asText("");
            return text.isEmpty() ? null : java.time.Instant.parse(text).toString();
        } catch (IOException | java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static void count(Progress progress, String line) {
        if (!line.contains("\"usage\"")) {
            return;
        }
        try {
            JsonNode message = Json.MAPPER.readTree(line).path("message");
            JsonNode usage = message.path("usage");
            if (usage.isMissingNode()) {
                return;
            }
            Usage seen = new Usage(usage.path("input_tokens").asLong(), usage.path("output_tokens").asLong(),
                    usage.path("cache_creation_input_tokens").asLong(), usage.path("cache_read_input_tokens").asLong());
            String id = message.path("id").asText("");
            if (id.isEmpty()) {
                progress.total = progress.total.plus(seen); // no id to tell repeats apart: each line is a message
                return;
            }
            Usage before = progress.messages.getOrDefault(id, Usage.NONE);
            Usage after = before.max(seen);
            progress.messages.put(id, after);
            progress.total = progress.total.plus(after.minus(before));
        } catch (IOException e) {
            // not JSON: not a message
        }
    }
}
