package io.ccpolicy.testinfra.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;

/**
 * PostgreSQL for {@code bin/platform}: zonky's binaries (no apt, no root needed, and they also run as root) on a fixed
 * port with a persistent data directory. Creates the named databases if missing, then runs until SIGTERM, when zonky's
 * shutdown hook stops the server cleanly.
 *
 * <p>Usage: {@code LocalPostgres PORT DATA_DIR DATABASE...}
 */
public final class LocalPostgres {

    private LocalPostgres() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: LocalPostgres PORT DATA_DIR [DATABASE...]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path dataDir = Files.createDirectories(Path.of(args[1]));
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            for (int i = 2; i < args.length; i++) {
                createDatabaseIfMissing(connection, args[i]);
            }
        }
        System.out.println("PostgreSQL ready on 127.0.0.1:" + port + " (data in " + dataDir + ")");
        new CountDownLatch(1).await();
    }

    private static void createDatabaseIfMissing(Connection connection, String name) throws SQLException {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("database name must be lower-case letters, digits and _: " + name);
        }
        try (PreparedStatement query = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
            query.setString(1, name);
            try (ResultSet rows = query.executeQuery()) {
                if (rows.next()) {
                    return;
                }
            }
        }
        try (Statement create = connection.createStatement()) {
            create.execute("create database " + name);
        }
    }
}
