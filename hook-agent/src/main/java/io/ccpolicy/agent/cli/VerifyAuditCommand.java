package io.ccpolicy.agent.cli;

import io.ccpolicy.engine.audit.AuditChain;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code verify-audit FILE [--from-first]}: recomputes every machine's hash chain in an audit file (JSON lines, as the
 * agent writes and as audit-ingest exports) and names each event that was altered, removed, reordered or replaced. A
 * complete chain starts at seq 1; {@code --from-first} checks an agent spool that was compacted from its first event on.
 * Exit 1 on any finding.
 */
public final class VerifyAuditCommand {

    private VerifyAuditCommand() {
    }

    public static int run(List<String> argv, PrintStream out, PrintStream err) throws UsageException {
        Args args = Args.parse(argv, Set.of(), Set.of("from-first"));
        if (args.positionals().size() != 1) {
            throw new UsageException("verify-audit needs one audit file (JSON lines)");
        }
        Path file = Path.of(args.positionals().get(0));
        try {
            List<String> lines = PolicyFiles.read(file, err).lines().toList();
            Map<String, List<Map<String, Object>>> machines = new LinkedHashMap<>();
            int unreadable = 0;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                String[] problem = new String[1];
                Map<String, Object> event = Json.object(lines.get(i), problem).orElse(null);
                if (event == null) {
                    out.println(file + ":" + (i + 1) + ": unreadable line (" + problem[0] + ")");
                    unreadable++;
                    continue;
                }
                String machine = event.get("machine") instanceof Map<?, ?> m ? String.valueOf(m.get("id")) : "(no machine)";
                machines.computeIfAbsent(machine, k -> new ArrayList<>()).add(event);
            }
            int findings = unreadable;
            for (Map.Entry<String, List<Map<String, Object>>> machine : machines.entrySet()) {
                Map<String, Object> first = machine.getValue().get(0);
                AuditChain.Head from = AuditChain.Head.START;
                if (args.flag("from-first") && first.get("seq") instanceof Number seq && seq.longValue() > 1 && first.get("prev_hash") instanceof String prev) {
                    // An agent's spool after compaction: earlier events were shipped; check from where the file starts.
                    from = new AuditChain.Head(seq.longValue() - 1, prev);
                    out.println("machine " + machine.getKey() + ": starts at seq " + seq + " (earlier events were shipped and compacted)");
                }
                List<AuditChain.Finding> broken = AuditChain.verify(machine.getValue(), from);
                findings += broken.size();
                if (broken.isEmpty()) {
                    out.println("machine " + machine.getKey() + ": " + machine.getValue().size() + " events, chain intact");
                } else {
                    out.println("machine " + machine.getKey() + ": " + machine.getValue().size() + " events, " + broken.size() + " finding(s):");
                    broken.forEach(f -> out.println("  " + f));
                }
            }
            out.println(findings == 0 ? "verified: nothing altered, removed or reordered" : findings + " finding(s)");
            return findings == 0 ? 0 : 1;
        } catch (PolicyFiles.Reported e) {
            return e.exitCode();
        }
    }
}
