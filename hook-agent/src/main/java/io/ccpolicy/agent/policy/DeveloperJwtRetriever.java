package io.ccpolicy.agent.policy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.security.oauthbearer.JwtRetriever;
import org.apache.kafka.common.security.oauthbearer.JwtRetrieverException;

/**
 * Kafka's SASL/OAUTHBEARER login with the signed-in developer's access token, so audit events reach Kafka on a
 * short-lived token the identity provider issued, not on a password every laptop shares. Kafka creates this class by
 * name; the JAAS options say whose sign-in it is: {@code stateDir}, {@code tokenUrl}, {@code clientId}.
 */
public final class DeveloperJwtRetriever implements JwtRetriever {

    private DeveloperLogin login;

    /** The producer properties that make Kafka log in with the developer's token kept in {@code stateDir}. */
    public static Map<String, String> producerProperties(Path stateDir, URI tokenUrl, String clientId) {
        return Map.of("sasl.login.callback.handler.class", "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler",
                "sasl.oauthbearer.jwt.retriever.class", DeveloperJwtRetriever.class.getName(),
                "sasl.jaas.config", "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required stateDir=" + quoted(stateDir.toString())
                        + " tokenUrl=" + quoted(tokenUrl.toString()) + " clientId=" + quoted(clientId) + ";");
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void configure(Map<String, ?> configs, String saslMechanism, List<AppConfigurationEntry> jaasConfigEntries) {
        Map<String, ?> options = jaasConfigEntries.get(0).getOptions();
        login = new DeveloperLogin(Path.of(String.valueOf(options.get("stateDir"))), URI.create(String.valueOf(options.get("tokenUrl"))),
                String.valueOf(options.get("clientId")), Clock.systemUTC());
    }

    @Override
    public String retrieve() throws JwtRetrieverException {
        try {
            return login.get();
        } catch (IllegalStateException e) {
            throw new JwtRetrieverException("no token to ship audit events with: " + e.getMessage(), e);
        }
    }
}
