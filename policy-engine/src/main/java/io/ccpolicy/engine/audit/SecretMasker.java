package io.ccpolicy.engine.audit;

import java.util.List;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

/**
 * Masks values that look like secrets before text enters an audit event: well-known token formats (cloud keys, VCS
 * and chat tokens, API keys, JWTs, private key blocks), credentials in URLs, bearer tokens, and the value of any
 * assignment or command-line flag whose name says password, secret, token or key. The name stays, so a reviewer still
 * sees what was set; the value becomes {@code [MASKED]}. Masking happens on the machine, before the event is hashed
 * and shipped, so no copy of the audit trail ever holds the secret.
 */
public final class SecretMasker {

    public static final String MASK = "[MASKED]";

    private record Rule(Pattern pattern, int keepGroup) {
    }

    private static final String NAME = "[A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key"
            + "|private[_-]?key|client[_-]?secret|credentials?)[A-Za-z0-9_.-]*";

    private static final List<Rule> RULES = List.of(
            new Rule(Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)"), 0),
            new Rule(Pattern.compile("\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b"), 0),
            new Rule(Pattern.compile("\\bgh[pousr]_[A-Za-z0-9]{30,}\\b|\\bgithub_pat_[A-Za-z0-9_]{22,}"), 0),
            new Rule(Pattern.compile("\\bglpat-[A-Za-z0-9_-]{20,}"), 0),
            new Rule(Pattern.compile("\\bxox[abposr]-[A-Za-z0-9-]{10,}"), 0),
            new Rule(Pattern.compile("\\bsk-(?:ant-)?[A-Za-z0-9_-]{20,}"), 0),
            new Rule(Pattern.compile("\\b(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{16,}"), 0),
            new Rule(Pattern.compile("\\bAIza[0-9A-Za-z_-]{35}"), 0),
            new Rule(Pattern.compile("\\bnpm_[A-Za-z0-9]{36}\\b"), 0),
            new Rule(Pattern.compile("\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}"), 0),
            new Rule(Pattern.compile("(?i)(\\bbearer\\s+)[A-Za-z0-9._~+/-]{12,}=*"), 1),
            new Rule(Pattern.compile("(://[^/\\s:@]+:)[^/\\s@]+(@)"), 1),
            new Rule(Pattern.compile("(?i)(\\b" + NAME + "\\s*[=:]\\s*)(?:\"[^\"]*\"|'[^']*'|[^\\s,;&|]+)"), 1),
            new Rule(Pattern.compile("(?i)(\\s-{1,2}" + NAME + "\\s+)(?:\"[^\"]*\"|'[^']*'|[^\\s-][^\\s]*)"), 1));

    private SecretMasker() {
    }

    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String masked = text;
        for (Rule rule : RULES) {
            Matcher m = rule.pattern().matcher(masked);
            if (!m.find()) {
                continue;
            }
            StringBuilder out = new StringBuilder(masked.length());
            do {
                String keep = rule.keepGroup() == 0 ? "" : m.group(rule.keepGroup());
                // a rule with a second group keeps what follows the secret too (the '@' of user:password@host)
                String after = m.groupCount() >= 2 && m.group(2) != null ? m.group(2) : "";
                m.appendReplacement(out, Matcher.quoteReplacement(keep + MASK + after));
            } while (m.find());
            m.appendTail(out);
            masked = out.toString();
        }
        return masked;
    }
}
