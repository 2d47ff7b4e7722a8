package io.ccpolicy.engine.eval;

import java.util.Locale;
import java.util.Set;

/** Git settings whose value git runs as a command, or that send git to other programs, paths or hosts. */
final class GitConfig {

    private static final Set<String> KEYS = Set.of("core.sshcommand", "core.pager", "core.editor", "core.hookspath", "core.fsmonitor",
            "core.gitproxy", "core.askpass", "core.worktree", "core.attributesfile", "sequence.editor", "diff.external", "credential.helper",
            "gpg.program", "uploadpack.packobjectshook", "include.path", "protocol.ext.allow", "protocol.allow", "web.browser",
            "http.proxy", "https.proxy", "core.sshCommand", "ssh.variant", "sendemail.smtpserver", "sendemail.tocmd", "sendemail.cccmd",
            "status.showuntrackedfiles", "init.templatedir", "clone.templatedir");

    private GitConfig() {
    }

    /** {@code key} or {@code key=value} as given to {@code git -c} or {@code git config}. */
    static boolean runsCommands(String setting) {
        int eq = setting.indexOf('=');
        String key = (eq < 0 ? setting : setting.substring(0, eq)).toLowerCase(Locale.ROOT);
        String value = eq < 0 ? "" : setting.substring(eq + 1);
        if (key.startsWith("alias.")) {
            return value.isEmpty() || value.startsWith("!");
        }
        if (KEYS.contains(key) || key.startsWith("includeif.") || key.startsWith("url.") || key.startsWith("pager.")) {
            return true;
        }
        String last = key.substring(key.lastIndexOf('.') + 1);
        return (key.startsWith("diff.") || key.startsWith("merge.") || key.startsWith("filter.") || key.startsWith("difftool.")
                || key.startsWith("mergetool.") || key.startsWith("remote.") || key.startsWith("gpg.") || key.startsWith("browser.")
                || key.startsWith("credential.") || key.startsWith("submodule."))
                && Set.of("textconv", "command", "driver", "clean", "smudge", "process", "cmd", "program", "uploadpack", "receivepack",
                        "proxy", "helper", "path", "update", "url").contains(last);
    }
}
