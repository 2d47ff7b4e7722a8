package io.ccpolicy.agent.daemon;

import io.ccpolicy.agent.cli.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local audit sink: one complete JSON event per line, appended to {@code <state>/audit/events.jsonl} before the
 * hook answer leaves, so nothing the agent decided goes unrecorded. (The audit pipeline issue makes this a durable,
 * shipped spool.) Compact JSON, one write per event, shared by all request threads.
 */
public final class AuditLog implements AutoCloseable {

    private final FileChannel channel;
    private final Path file;
    private final AtomicLong written = new AtomicLong();

    public AuditLog(Path stateDir) throws IOException {
        Path dir = Files.createDirectories(stateDir.resolve("audit"));
        this.file = dir.resolve("events.jsonl");
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    public Path file() {
        return file;
    }

    public long written() {
        return written.get();
    }

    public void append(Map<String, Object> event) {
        byte[] line = (Json.compact(event) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            synchronized (channel) {
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
            written.incrementAndGet();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the audit log " + file, e);
        }
    }

    @Override
    public void close() throws IOException {
        channel.force(true);
        channel.close();
    }
}
