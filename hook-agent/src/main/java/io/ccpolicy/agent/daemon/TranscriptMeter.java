package io.ccpolicy.agent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.ccpolicy.agent.cli.Json;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens used in a session, summed from the {@code usage} of assistant messages in its transcript (JSON lines). Each
 * transcript is read incrementally: only bytes added since the last call are parsed, and a partly written last line
 * waits for the next call.
 */
public final class TranscriptMeter {

    private static final class Progress {
        long offset;
        long tokens;
    }

    private final Map<String, Progress> transcripts = new ConcurrentHashMap<>();

    public long tokens(String transcriptPath) {
        if (transcriptPath == null || transcriptPath.isEmpty()) {
            return 0;
        }
        Progress progress = transcripts.computeIfAbsent(transcriptPath, p -> new Progress());
        synchronized (progress) {
            // File.length() is one stat and no exception for a transcript that does not exist yet: the common fast path.
            long size = new java.io.File(transcriptPath).length();
            if (size == progress.offset) {
                return progress.tokens;
            }
            try (RandomAccessFile file = new RandomAccessFile(transcriptPath, "r")) {
                long length = file.length();
                if (length < progress.offset) {
                    progress.offset = 0; // rewritten: count again
                    progress.tokens = 0;
                }
                if (length == progress.offset) {
                    return progress.tokens;
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
                    return progress.tokens;
                }
                String complete = new String(added, 0, lastNewline, StandardCharsets.UTF_8);
                for (String line : complete.split("\n")) {
                    progress.tokens += usage(line);
                }
                progress.offset += lastNewline + 1;
            } catch (IOException e) {
                // no transcript yet (first prompt) or unreadable: what was counted so far stands
            }
            return progress.tokens;
        }
    }

    private static long usage(String line) {
        if (!line.contains("\"usage\"")) {
            return 0;
        }
        try {
            JsonNode usage = Json.MAPPER.readTree(line).path("message").path("usage");
            return usage.path("input_tokens").asLong() + usage.path("output_tokens").asLong()
                    + usage.path("cache_creation_input_tokens").asLong() + usage.path("cache_read_input_tokens").asLong();
        } catch (IOException e) {
            return 0;
        }
    }
}
