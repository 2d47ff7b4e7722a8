package io.ccpolicy.testinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Loopback port helpers shared by the servers this module starts. */
public final class Ports {

    private Ports() {
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
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
