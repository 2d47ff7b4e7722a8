package io.ccpolicy.agent.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal HTTP/1.1 server for Claude Code's http hooks, bound to loopback only. Each response (status line, headers
 * and body) leaves in a single write on a TCP_NODELAY socket: Claude Code measurably waits ~40 ms (Nagle and delayed
 * ACK) when headers and body arrive in separate segments. Keep-alive, Content-Length and chunked bodies are supported;
 * anything else gets a plain 4xx.
 */
public final class HookServer implements AutoCloseable {

    /** A request as the handler sees it. */
    public record Request(String method, String path, Map<String, String> headers, byte[] body, boolean bodyTooLarge) {
    }

    /**
     * A complete response. {@code after} is work the answer does not wait for (null when there is none): the server
     * runs it once the response has left, on its own thread in the order answered, so Claude Code is not kept waiting.
     */
    public record Response(int status, String contentType, byte[] body, Runnable after) {

        public Response(int status, String contentType, byte[] body) {
            this(status, contentType, body, null);
        }

        public static Response json(int status, String json) {
            return new Response(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
        }

        /** The same response, with {@code work} to run after it has been sent. */
        public Response then(Runnable work) {
            return new Response(status, contentType, body, work);
        }

        /** Runs the work left for after the answer, if any: for a caller that is not a server. */
        public Response completed() {
            if (after != null) {
                after.run();
            }
            return new Response(status, contentType, body);
        }
    }

    public interface Handler {

        /** The answer, with everything it entails done. */
        Response handle(Request request);

        /** The answer, possibly leaving work in {@link Response#after()} that the server runs once the answer is out. */
        default Response answerFirst(Request request) {
            return handle(request);
        }
    }

    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int FOLLOW_UP_QUEUE = 256;
    private static final int IDLE_TIMEOUT_MS = 30_000;

    private final ServerSocket socket;
    private final Handler handler;
    private final int maxBodyBytes;
    private final ExecutorService workers;
    /**
     * How long a follow-up waits after its answer has left. Claude Code handles the answer meanwhile; started at once, the
     * recording's CPU (parse, seal, sign) competed with it on this 2-core machine: PostToolUse cost 1.20 x a trivial
     * server's time in the real CLI, 0.96 x with the wait. The payload is already in the intake journal, so waiting
     * loses nothing.
     */
    private static final Duration FOLLOW_UP_DELAY = Duration.ofMillis(15);
    /**
     * Runs what answers leave for later, one at a time in the order answered, so a connection's next request never waits
     * behind the previous one's follow-up. Past {@value #FOLLOW_UP_QUEUE} waiting, the connection's own thread runs its
     * follow-up: back pressure, and a daemon whose memory stays small under a flood (each waiting follow-up holds its payload).
     */
    private final java.util.concurrent.ScheduledThreadPoolExecutor followUps = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "hook-follow-up");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger waitingFollowUps = new AtomicInteger();
    private final Duration followUpDelay;
    private final Thread acceptor;
    private final AtomicInteger open = new AtomicInteger();
    private final java.util.Set<Socket> connections = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public HookServer(int port, int maxBodyBytes, int maxConnections, Handler handler) throws IOException {
        this(port, maxBodyBytes, maxConnections, handler, FOLLOW_UP_DELAY);
    }

    HookServer(int port, int maxBodyBytes, int maxConnections, Handler handler, Duration followUpDelay) throws IOException {
        this.followUpDelay = followUpDelay;
        this.handler = handler;
        this.maxBodyBytes = maxBodyBytes;
        this.socket = new ServerSocket();
        this.socket.setReuseAddress(true);
        this.socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        AtomicInteger n = new AtomicInteger();
        // One thread per open connection (keep-alive connections hold theirs while idle), up to maxConnections.
        this.workers = new java.util.concurrent.ThreadPoolExecutor(2, maxConnections, 60, TimeUnit.SECONDS,
                new java.util.concurrent.SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "hook-http-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.acceptor = new Thread(this::acceptLoop, "hook-http-accept");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket connection = socket.accept();
                connection.setTcpNoDelay(true);
                connection.setSoTimeout(IDLE_TIMEOUT_MS);
                open.incrementAndGet();
                connections.add(connection);
                try {
                    workers.execute(() -> serve(connection));
                } catch (java.util.concurrent.RejectedExecutionException full) {
                    open.decrementAndGet();
                    connections.remove(connection);
                    connection.close();
                }
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void serve(Socket connection) {
        try (connection; InputStream in = new BufferedInputStream(connection.getInputStream(), 8192);
             OutputStream out = connection.getOutputStream()) {
            while (!closed) {
                Request request;
                try {
                    request = read(in);
                } catch (BadRequest e) {
                    write(out, Response.json(400, "{\"error\":\"" + e.getMessage() + "\"}"), false);
                    return;
                }
                if (request == null) {
                    return;
                }
                Response response;
                try {
                    response = handler.answerFirst(request);
                } catch (RuntimeException e) {
                    response = Response.json(500, "{\"error\":\"internal error\"}");
                }
                boolean keepAlive = !"close".equalsIgnoreCase(request.headers().getOrDefault("connection", ""));
                try {
                    write(out, response, keepAlive);
                } finally {
                    if (response.after() != null) { // done even when the client has gone: what it asked for still happened
                        followUp(response.after());
                    }
                }
                if (!keepAlive) {
                    return;
                }
            }
        } catch (SocketTimeoutException | SocketException idleOrGone) {
            // the client went away or stayed idle: nothing to answer
        } catch (IOException e) {
            // same: the connection is unusable
        } finally {
            open.decrementAndGet();
            connections.remove(connection);
        }
    }

    private void followUp(Runnable work) {
        if (waitingFollowUps.incrementAndGet() > FOLLOW_UP_QUEUE) {
            try {
                work.run();
            } finally {
                waitingFollowUps.decrementAndGet();
            }
            return;
        }
        try {
            followUps.schedule(() -> {
                try {
                    work.run();
                } finally {
                    waitingFollowUps.decrementAndGet();
                }
            }, followUpDelay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the server is closing: the call stays in the intake journal and is recorded at the next start
            waitingFollowUps.decrementAndGet();
        }
    }

    private static final class BadRequest extends Exception {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    private Request read(InputStream in) throws IOException, BadRequest {
        String requestLine = line(in, true);
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            throw new BadRequest("malformed request line");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        int headerBytes = 0;
        while (true) {
            String header = line(in, false);
            if (header == null) {
                throw new BadRequest("connection closed inside the headers");
            }
            if (header.isEmpty()) {
                break;
            }
            headerBytes += header.length();
            if (headerBytes > MAX_HEADER_BYTES) {
                throw new BadRequest("headers too large");
            }
            int colon = header.indexOf(':');
            if (colon > 0) {
                headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
            }
        }
        String length = headers.get("content-length");
        boolean chunked = headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked");
        if (chunked) {
            return chunkedBody(in, parts, headers);
        }
        long size;
        try {
            size = length == null ? 0 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            throw new BadRequest("invalid Content-Length");
        }
        if (size < 0) {
            throw new BadRequest("invalid Content-Length");
        }
        boolean tooLarge = size > maxBodyBytes;
        byte[] body = tooLarge ? new byte[0] : in.readNBytes((int) size);
        if (tooLarge) {
            discard(in, size);
        } else if (body.length < size) {
            throw new BadRequest("body shorter than Content-Length");
        }
        return new Request(parts[0], parts[1], headers, body, tooLarge);
    }

    private Request chunkedBody(InputStream in, String[] parts, Map<String, String> headers) throws IOException, BadRequest {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean tooLarge = false;
        while (true) {
            String sizeLine = line(in, false);
            if (sizeLine == null) {
                throw new BadRequest("connection closed inside a chunked body");
            }
            int size;
            try {
                size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            } catch (NumberFormatException e) {
                throw new BadRequest("invalid chunk size");
            }
            if (size == 0) {
                while (true) {
                    String trailer = line(in, false);
                    if (trailer == null || trailer.isEmpty()) {
                        break;
                    }
                }
                return new Request(parts[0], parts[1], headers, tooLarge ? new byte[0] : body.toByteArray(), tooLarge);
            }
            if (tooLarge || body.size() + size > maxBodyBytes) {
                tooLarge = true;
                discard(in, size);
            } else {
                body.write(in.readNBytes(size));
            }
            line(in, false);
        }
    }

    private static void discard(InputStream in, long bytes) throws IOException {
        long left = bytes;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    return;
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    /** A CRLF- (or LF-) terminated line in ISO-8859-1, or null at end of stream before any byte. */
    private static String line(InputStream in, boolean first) throws IOException, BadRequest {
        StringBuilder text = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (text.length() == 0 && first) {
                    return null;
                }
                return text.length() == 0 ? null : text.toString();
            }
            if (b == '\n') {
                int end = text.length();
                if (end > 0 && text.charAt(end - 1) == '\r') {
                    text.setLength(end - 1);
                }
                return text.toString();
            }
            if (text.length() > MAX_HEADER_BYTES) {
                throw new BadRequest("line too long");
            }
            text.append((char) b);
        }
    }

    private static void write(OutputStream out, Response response, boolean keepAlive) throws IOException {
        byte[] head = ("HTTP/1.1 " + response.status() + " " + reason(response.status()) + "\r\n"
                + "Content-Type: " + response.contentType() + "\r\n"
                + "Content-Length: " + response.body().length + "\r\n"
                + (keepAlive ? "" : "Connection: close\r\n")
                + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + response.body().length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(response.body(), 0, all, head.length, response.body().length);
        out.write(all);
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> "Payload Too Large";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : "Status";
        };
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        // Closing the connections ends idle reads; interrupting a worker instead could catch it writing the audit spool,
        // and an interrupted FileChannel write closes the channel for good. Work in progress gets a moment to finish.
        for (Socket connection : connections) {
            try {
                connection.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(2, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
            followUps.shutdown(); // what was answered is recorded before the server is gone; a crash leaves it to the journal
            followUps.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
