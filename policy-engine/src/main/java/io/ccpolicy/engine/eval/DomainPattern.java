package io.ccpolicy.engine.eval;

import java.util.Locale;

/**
 * A webDomain policy value: {@code example.com} matches that host and its subdomains, {@code *.example.com} only the
 * subdomains, {@code *} every host. Hosts and patterns compare case-insensitively, without a trailing dot.
 */
final class DomainPattern {

    private final String domain;
    private final boolean subdomainsOnly;
    private final boolean any;

    DomainPattern(String text) {
        String d = text.trim().toLowerCase(Locale.ROOT);
        while (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        this.any = d.equals("*");
        this.subdomainsOnly = d.startsWith("*.");
        this.domain = subdomainsOnly ? d.substring(2) : d;
    }

    boolean matches(String host) {
        if (any) {
            return true;
        }
        boolean sub = host.endsWith("." + domain);
        return subdomainsOnly ? sub : sub || host.equals(domain);
    }
}
