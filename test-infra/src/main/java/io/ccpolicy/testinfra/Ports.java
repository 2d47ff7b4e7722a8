package io.ccpolicy.testinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/** Loopback port helpers shared by the servers this module starts. */
public final class Ports {

    private Ports() {
    }

    /** Below Linux's ephemeral range (32768-60999): no outgoing connection takes such a port between its choice and its use. */
    private static final int LOWEST = 20_000;
    private static final int HIGHEST = 32_000;
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    /**
     * A loopback port nothing listens on, never handed out twice by this JVM. Chosen outside the ephemeral range: a port
     * the kernel picked (bind to 0) can be taken by any outgoing connection before the server meant for it starts, which
     * a clean-clone run met ("port ... is taken by another process").
     */
    public static int freePort() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = LOWEST + random.nextInt(HIGHEST - LOWEST);
            if (!GIVEN.add(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (IOException taken) {
                // in use: try another
            }
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /**
     * Polls until something accepts connections on the port, failing early when {@code stillStarting} turns false
     * (the server process died) and at the deadline otherwise.
     */
    public static void awaitListening(String what, int port, Duration timeout, BooleanSupplier stillStarting) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (!stillStarting.getAsBoolean()) {
                    throw new IllegalStateException(what + " exited before listening on port " + port);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(what + " not listening on port " + port + " after " + timeout);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + what, e);
                }
            }
        }
    }
}
