package io.ccpolicy.report;

import java.util.List;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.security.oauthbearer.JwtRetriever;

/** Kafka's OAUTHBEARER login with a token given in the JAAS option {@code token}: to try tokens an agent would not send. */
public final class StaticJwtRetriever implements JwtRetriever {

    private String token;

    @Override
    public void configure(Map<String, ?> configs, String saslMechanism, List<AppConfigurationEntry> jaasConfigEntries) {
        token = String.valueOf(jaasConfigEntries.get(0).getOptions().get("token"));
    }

    @Override
    public String retrieve() {
        return token;
    }
}
