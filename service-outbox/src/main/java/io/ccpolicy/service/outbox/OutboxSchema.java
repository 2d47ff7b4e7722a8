package io.ccpolicy.service.outbox;

import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;
import org.flywaydb.core.internal.resource.classpath.ClassPathResource;

/**
 * Migrates the outbox's own schema ({@code db/outbox}) with its own history table, once the service's migrations have
 * run (Quarkus applies those before startup observers): the outbox's tables live in one place instead of a copy in
 * every service that uses it. A database that has no outbox history yet starts from version 0, so its first migration
 * runs and brings whatever the services' old migrations made to the current shape.
 */
@ApplicationScoped
@IfBuildProperty(name = "ccpolicy.outbox.enabled", stringValue = "true")
public class OutboxSchema {

    static final String LOCATION = "db/outbox";
    static final String HISTORY = "outbox_schema_history";
    /** Listed, not scanned: a packaged service's class loader cannot list a directory inside a jar. */
    static final List<String> MIGRATIONS = List.of("V1__outbox.sql");

    void migrate(@Observes @Priority(1) StartupEvent start, DataSource dataSource, @ConfigProperty(name = "quarkus.application.name") String service) {
        migrate(dataSource, service);
    }

    /** Applies the outbox's pending migrations; {@code service} names the records of rows older than record keys. */
    public static void migrate(DataSource dataSource, String service) {
        ClassLoader loader = OutboxSchema.class.getClassLoader();
        Location location = new Location("classpath:" + LOCATION);
        List<LoadableResource> scripts = MIGRATIONS.stream().<LoadableResource>map(name -> new ClassPathResource(location,
                LOCATION + "/" + name, loader, StandardCharsets.UTF_8)).toList();
        ResourceProvider listed = new ResourceProvider() {
            @Override
            public LoadableResource getResource(String name) {
                return scripts.stream().filter(r -> r.getRelativePath().equals(name) || r.getFilename().equals(name)).findFirst().orElse(null);
            }

            @Override
            public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
                return scripts.stream().filter(r -> r.getFilename().startsWith(prefix)
                        && Arrays.stream(suffixes).anyMatch(suffix -> r.getFilename().endsWith(suffix))).toList();
            }
        };
        Flyway.configure(loader).dataSource(dataSource).locations(location).resourceProvider(listed).table(HISTORY)
                .baselineOnMigrate(true).baselineVersion("0").placeholders(Map.of("service", service)).load().migrate();
    }
}
