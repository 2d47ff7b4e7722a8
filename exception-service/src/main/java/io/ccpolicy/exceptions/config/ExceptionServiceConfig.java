package io.ccpolicy.exceptions.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "exception-service")
public interface ExceptionServiceConfig {

    /** The organisation's longest exception: no request or approval may exceed it. */
    @WithDefault("P30D")
    Duration maxDuration();

    /** Where every transition is published for policy-service (compacted; key = request id). */
    @WithDefault("exception.grants.v1")
    String grantsTopic();
}
