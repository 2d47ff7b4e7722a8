package io.ccpolicy.service.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ccpolicy.service.domain.DomainException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** What a caller reads when the service a typed client calls refuses them, fails or is away. */
class UpstreamTest {

    @Test
    void aRefusedTokenIsForbiddenAndNamesTheServiceThePurposeAndTheRole() {
        assertThatThrownBy(() -> Upstream.call("audit-ingest", "impact analysis reads recorded events from it", "audit-reader", () -> {
            throw new WebApplicationException(403);
        })).isInstanceOf(DomainException.Refused.class).hasMessage("audit-ingest refused your token (HTTP 403), and impact analysis reads "
                + "recorded events from it: the token needs the audit-reader role as well.");
    }

    @Test
    void aFailingOrAbsentServiceIsUnavailableAndSaysWhy() {
        assertThatThrownBy(() -> Upstream.call("policy-service", "the report needs its evidence from it", null, () -> {
            throw new WebApplicationException(500);
        })).isInstanceOf(DomainException.Unavailable.class).hasMessage("policy-service answered HTTP 500; the report needs its evidence from it.");
        assertThatThrownBy(() -> Upstream.call("exception-service", "the report needs its evidence from it", null, () -> {
            throw new ProcessingException(new ConnectException("Connection refused: /127.0.0.1:8082"));
        })).isInstanceOf(DomainException.Unavailable.class).hasMessageContaining("exception-service is not reachable")
                .hasMessageContaining("Connection refused: /127.0.0.1:8082");
    }

    @Test
    void anAnswerPassesThroughAndTheTokenIsSentAsABearer() {
        assertThat(Upstream.call("audit-ingest", "for a test", null, () -> "answer")).isEqualTo("answer");
        assertThat(Upstream.bearer("eyJ")).isEqualTo("Bearer eyJ");
    }
}
