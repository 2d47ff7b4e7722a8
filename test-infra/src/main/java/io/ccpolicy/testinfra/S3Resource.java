package io.ccpolicy.testinfra;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * A real S3-compatible server for a {@code @QuarkusTest}. The service's configuration prefix is the {@code prefix} init
 * argument (default {@code s3}); the resource sets {@code <prefix>.endpoint}, {@code .access-key} and {@code .secret-key}.
 */
public class S3Resource implements QuarkusTestResourceLifecycleManager {

    private String prefix = "s3";
    private S3ProxyServer server;

    @Override
    public void init(Map<String, String> initArgs) {
        prefix = initArgs.getOrDefault("prefix", prefix);
    }

    @Override
    public Map<String, String> start() {
        server = S3ProxyServer.start();
        return Map.of(
                prefix + ".endpoint", server.endpoint(),
                prefix + ".access-key", S3ProxyServer.IDENTITY,
                prefix + ".secret-key", S3ProxyServer.CREDENTIAL);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
