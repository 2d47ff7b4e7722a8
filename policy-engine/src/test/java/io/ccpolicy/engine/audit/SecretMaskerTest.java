package io.ccpolicy.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretMaskerTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE | aws configure set aws_access_key_id [MASKED]",
        "git clone https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/acme/x | git clone https://[MASKED]@github.com/acme/x",
        "curl -H 'Authorization: Bearer abcdef0123456789abcdef' https://api | curl -H 'Authorization: Bearer [MASKED]' https://api",
        "export ANTHROPIC_API_KEY=sk-ant-api03-abcdefghijklmnopqrstuvwxyz | export ANTHROPIC_API_KEY=[MASKED]",
        "psql postgres://admin:hunter2@db:5432/app | psql postgres://admin:[MASKED]@db:5432/app",
        "mysql --password hunter2 -u root | mysql --password [MASKED] -u root",
        "DB_PASSWORD: \"s3cr3t value\" | DB_PASSWORD: [MASKED]",
        "client_secret=abc123&grant_type=x | client_secret=[MASKED]&grant_type=x",
        "slack xoxb-1234567890-abcdefghij | slack [MASKED]",
        "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U | token [MASKED]",
    })
    void secretsAreMaskedAndTheirNamesKept(String input, String expected) {
        assertThat(SecretMasker.mask(input)).isEqualTo(expected);
    }

    @Test
    void privateKeyBlocksAreMaskedWhole() {
        String key = "key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\nend";
        assertThat(SecretMasker.mask(key)).isEqualTo("key:\n[MASKED]\nend");
    }

    @Test
    void inputBuiltToMakeABacktrackingMatcherQuadraticIsMaskedInLinearTime() {
        // "a-a-a-..." made java.util.regex take more than 30 s on a 600 KB command: Claude Code's hook timed out
        String hostile = "a-".repeat(300_000) + " password=x";
        String masked = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5),
                () -> SecretMasker.mask(hostile), "masking must stay well within the 5 s hook timeout");
        assertThat(masked).endsWith(" password=[MASKED]");
    }

    @Test
    void ordinaryTextIsLeftAlone() {
        for (String text : new String[] {"npm test -- --shard 3", "git push origin main", "rm -rf build/", "/home/alice/.ssh/config",
            "the token count is 5", "echo tokens"}) {
            assertThat(SecretMasker.mask(text)).isEqualTo(text);
        }
    }
}
