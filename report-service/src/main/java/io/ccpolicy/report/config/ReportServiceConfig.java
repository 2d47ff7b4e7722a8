package io.ccpolicy.report.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;

/** Where the evidence comes from: each service's own API, read with the caller's token. */
@ConfigMapping(prefix = "report-service")
public interface ReportServiceConfig {

    @WithDefault("http://127.0.0.1:8083")
    URI auditUrl();

    @WithDefault("http://127.0.0.1:8081")
    URI policyUrl();

    @WithDefault("http://127.0.0.1:8082")
    URI exceptionsUrl();
}
