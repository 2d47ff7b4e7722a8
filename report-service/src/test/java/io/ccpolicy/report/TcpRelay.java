package io.ccpolicy.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network path to a real service that a test can cut: {@link #down()} refuses connections (the service is out of
 * reach), {@link #losingAnswers()} delivers requests but drops every answer (the service acted, the caller never hears).
 */
final class TcpRelay implements AutoCloseable {

    private final int port;
    private final int target;
    private volatile ServerSocket listening;
    private volatile boolean dropAnswers;
    private final AtomicInteger dropped = new AtomicInteger();

    TcpRelay(int port, int target) {
        this.port = port;
        this.target = target;
    }

    int port() {
        return port;
    }

    int droppedAnswers() {
        return dropped.get();
    }

    synchronized void down() throws IOException {
        if (listening != null) {
            listening.close();
            listening = null;
        }
    }

    synchronized void up() throws IOException {
        dropAnswers = false;
        if (listening == null) {
            ServerSocket server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
            listening = server;
            Thread accept = new Thread(() -> accept(server), "relay-" + port);
            accept.setDaemon(true);
            accept.start();
        }
    }

    synchronized void losingAnswers() throws IOException {
        up();
        dropAnswers = true;
    }

    private void accept(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                pipe(client, upstream, false);
                pipe(upstream, client, dropAnswers);
            } catch (IOException e) {
                return; // closed by down()
            }
        }
    }

    private void pipe(Socket from, Socket to, boolean drop) {
        Thread thread = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                byte[] buffer = new byte[16 * 1024];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    if (drop) {
                        dropped.incrementAndGet();
                        break; // the answer arrived and is thrown away: the caller sees its connection closed
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed: the other follows
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "relay-pipe");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        down();
    }
}
