package io.ccpolicy.engine.bench;

/**
 * A large organisation's policy document: every target, most policies scoped to one of 50 teams (as big organisations
 * grow them), some to tools, the rest for everyone; five values each.
 */
public final class SyntheticPolicies {

    private SyntheticPolicies() {
    }

    public static String document(int count) {
        StringBuilder yaml = new StringBuilder("version: \"1.0\"\norganization: Synthetic Corp\npolicies:\n");
        for (int i = 0; i < count; i++) {
            String scope = i % 10 < 7 ? "    applies_to: {teams: [team-" + (i % 50) + "]}\n" : "";
            String body = switch (i % 10) {
                case 0 -> "    type: denylist\n    target: bashCommand\n    values: [\"tool" + i + " --force\", \"rm -rf /srv/" + i
                        + "\", \"kubectl delete ns-" + i + "\", \"curl" + i + "\", \"git push -f origin b" + i + "\"]\n";
                case 1 -> "    type: denylist\n    target: writePath\n    values: [\"/etc/app" + i + "/*\", \"~/.config/tool" + i
                        + "/*\", \"*.key" + i + "\", \"/var/lib/db" + i + "/*\", \"/opt/svc" + i + "/bin/*\"]\n";
                case 2 -> "    type: denylist\n    target: readPath\n    values: [\"~/.secrets" + i + "/*\", \"/etc/creds" + i
                        + "\", \"*.p12" + i + "\", \"/srv/vault" + i + "/*\", \".env" + i + "\"]\n";
                case 3 -> "    type: denylist\n    target: webDomain\n    values: [evil" + i + ".com, paste" + i + ".io, \"*.drop" + i
                        + ".net\", leak" + i + ".org, tmp" + i + ".sh]\n";
                case 4 -> "    type: denylist\n    target: tool\n    values: [Tool" + i + ", \"mcp__srv" + i + "\", Legacy" + i
                        + ", Old" + i + ", Beta" + i + "]\n";
                case 5 -> "    type: allowlist\n    target: mcpServers\n    values: [github, jira, docs" + i + ", wiki" + i + ", ci" + i + "]\n";
                case 6 -> "    type: pattern-deny\n    target: prompt\n    pattern: \"secret-" + i + "-[0-9]+\"\n";
                case 7 -> "    type: pattern-deny\n    target: claudeMd\n    pattern: \"token" + i + "\\\\s*=\"\n";
                case 8 -> "    type: denylist\n    target: skills\n    values: [skill" + i + ", bad" + i + ", x" + i + ", y" + i + ", z" + i + "]\n";
                default -> "    type: limit\n    target: sessionTokens\n    max: " + (1_000_000 + i) + "\n";
            };
            String tools = i % 10 == 1 && i % 20 == 1 ? "    tools: [Bash]\n" : "";
            yaml.append("  - name: policy-").append(i).append('\n').append(body).append("    severity: error\n").append(scope).append(tools);
        }
        return yaml.toString();
    }
}
