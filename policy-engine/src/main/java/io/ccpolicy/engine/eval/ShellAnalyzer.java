package io.ccpolicy.engine.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Turns a shell command line into a {@link ShellAnalysis}. Stateless apart from the accumulating result lists. */
final class ShellAnalyzer {

    private static final int MAX_DEPTH = 8;
    private static final Set<String> SHELLS = Set.of("sh", "bash", "zsh", "dash", "ksh", "ash", "fish", "busybox-sh");
    private static final Set<String> WRAPPERS = Set.of("sudo", "doas", "env", "timeout", "nice", "ionice", "chrt", "taskset", "stdbuf",
            "nohup", "command", "builtin", "exec", "time", "unbuffer", "caffeinate", "setsid", "flock", "watch", "strace", "ltrace", "xargs");
    private static final Set<String> KEYWORDS = Set.of("if", "then", "else", "elif", "do", "while", "until", "!", "{", "}",
            "fi", "done", "esac");
    private static final Set<String> LOOP_HEADERS = Set.of("for", "select", "case", "function");
    private static final Set<String> READERS = Set.of("cat", "tac", "less", "more", "head", "tail", "nl", "base64", "xxd",
            "od", "strings", "wc", "sort", "uniq", "diff", "cmp", "md5sum", "sha1sum", "sha256sum", "sha512sum", "file",
            "source", ".", "jq", "yq", "hexdump", "bat", "view", "zcat", "bzcat", "xzcat", "gzip", "gunzip");
    private static final Set<String> GREPS = Set.of("grep", "egrep", "fgrep", "rg", "ag", "ack");
    private static final Set<String> ALL_ARGS_WRITTEN = Set.of("rm", "rmdir", "touch", "mkdir", "shred", "unlink", "truncate");
    private static final Set<String> EDITORS = Set.of("vi", "vim", "nvim", "nano", "emacs", "ed", "pico");
    private static final Set<String> COPIERS = Set.of("cp", "mv", "install", "rsync", "scp");
    private static final Set<String> FETCHERS = Set.of("curl", "wget", "http", "https", "xh", "aria2c");
    private static final Set<String> REMOTE = Set.of("ssh", "scp", "sftp", "rsync", "nc", "ncat", "netcat", "telnet", "ftp");

    private final String home;
    /** The working directory as {@code cd} changes it along the line; null once it cannot be known. */
    private String cwd;
    private final List<Value> commands = new ArrayList<>();
    private final List<Value> writes = new ArrayList<>();
    private final List<Value> reads = new ArrayList<>();
    private final List<Value> hosts = new ArrayList<>();

    private ShellAnalyzer(String cwd, String home) {
        this.cwd = cwd;
        this.home = home;
    }

    static ShellAnalysis analyze(String command, String cwd, String home) {
        ShellAnalyzer analyzer = new ShellAnalyzer(cwd, home);
        try {
            analyzer.line(command, 0);
            return new ShellAnalysis(List.copyOf(analyzer.commands), List.copyOf(analyzer.writes), List.copyOf(analyzer.reads),
                    List.copyOf(analyzer.hosts), null);
        } catch (ShellLexer.UnparseableException e) {
            Value unknown = Value.opaque(command);
            return new ShellAnalysis(List.of(unknown), List.of(unknown), List.of(unknown), List.of(unknown), e.getMessage());
        }
    }

    private void line(String text, int depth) throws ShellLexer.UnparseableException {
        if (depth > MAX_DEPTH) {
            throw new ShellLexer.UnparseableException("commands nested more than " + MAX_DEPTH + " levels deep");
        }
        ShellLexer lexer = new ShellLexer(text, cwd, home).lex();
        List<ShellLexer.Token> current = new ArrayList<>();
        for (ShellLexer.Token token : lexer.tokens()) {
            if (token.kind() == ShellLexer.Kind.OPERATOR) {
                simple(current, depth);
                current = new ArrayList<>();
            } else {
                current.add(token);
            }
        }
        simple(current, depth);
        for (String inner : lexer.nestedCommands()) {
            line(inner, depth + 1);
        }
    }

    /** One simple command: redirections taken out, assignments and keywords skipped, wrappers unwrapped. */
    private void simple(List<ShellLexer.Token> tokens, int depth) throws ShellLexer.UnparseableException {
        List<ShellLexer.Token> words = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            ShellLexer.Token token = tokens.get(i);
            if (token.kind() == ShellLexer.Kind.REDIRECT) {
                ShellLexer.Token target = i + 1 < tokens.size() ? tokens.get(++i) : null;
                if (target == null || target.kind() != ShellLexer.Kind.WORD) {
                    throw new ShellLexer.UnparseableException("redirection '" + token.text() + "' without a target");
                }
                redirect(token.text(), target);
            } else {
                words.add(token);
            }
        }
        int start = 0;
        while (start < words.size() && (KEYWORDS.contains(words.get(start).text()) || isAssignment(words.get(start).text()))) {
            start++;
        }
        if (start >= words.size() || LOOP_HEADERS.contains(words.get(start).text())) {
            return;
        }
        command(words.subList(start, words.size()), depth, false);
    }

    private void redirect(String op, ShellLexer.Token target) {
        switch (op) {
            case ">", ">>", ">|", "&>", "&>>", "<>" -> writes.add(path(target));
            case ">&" -> {
                if (!target.text().matches("\\d+|-")) {
                    writes.add(path(target));
                }
            }
            case "<" -> reads.add(path(target));
            default -> {
                // <<, <<-, <<<, <& carry no file name
            }
        }
    }

    private void command(List<ShellLexer.Token> words, int depth, boolean argsFromInput) throws ShellLexer.UnparseableException {
        if (words.isEmpty()) {
            return;
        }
        String name = basename(words.get(0).text());
        List<ShellLexer.Token> args = words.subList(1, words.size());
        if (words.get(0).dynamic()) {
            unknown(join(words));
            return;
        }
        if (WRAPPERS.contains(name)) {
            // The wrapper runs too: a denylist naming it (sudo, xargs) must see it, an allowlist must allow it.
            commands.add(Value.of(join(words)));
        }
        switch (name) {
            case "cd", "pushd", "chdir" -> changeDirectory(args);
            case "sudo", "doas" -> unwrap(args, Set.of("-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U"), depth, argsFromInput);
            case "env" -> {
                int i = 0;
                while (i < args.size() && (args.get(i).text().startsWith("-") || isAssignment(args.get(i).text()))) {
                    String a = args.get(i).text();
                    if (a.equals("-S") || a.equals("--split-string")) {
                        if (i + 1 < args.size()) {
                            line(args.get(i + 1).text(), depth + 1);
                        }
                        commands.add(Value.of(join(words)));
                        return;
                    }
                    i += a.equals("-u") || a.equals("-C") || a.equals("--unset") || a.equals("--chdir") ? 2 : 1;
                }
                command(args.subList(Math.min(i, args.size()), args.size()), depth, argsFromInput);
            }
            case "timeout" -> {
                int i = skipOptions(args, Set.of("-s", "--signal", "-k", "--kill-after"));
                command(args.subList(Math.min(i + 1, args.size()), args.size()), depth, argsFromInput);
            }
            case "nice", "ionice", "chrt", "taskset", "stdbuf", "nohup", "command", "builtin", "exec", "time", "unbuffer",
                    "caffeinate", "setsid", "flock", "watch", "strace", "ltrace" ->
                    unwrap(args, Set.of("-n", "-c", "-p", "-a", "-o", "-e", "-i", "-w"), depth, argsFromInput);
            case "xargs" -> {
                int i = skipOptions(args, Set.of("-I", "-i", "-n", "-P", "-d", "-L", "-l", "-s", "-E", "-e", "-a", "--delimiter",
                        "--max-args", "--max-procs", "--replace", "--arg-file"));
                List<ShellLexer.Token> rest = args.subList(Math.min(i, args.size()), args.size());
                command(rest.isEmpty() ? List.of(new ShellLexer.Token(ShellLexer.Kind.WORD, "echo", false)) : rest, depth, true);
            }
            case "eval" -> {
                line(join(args), depth + 1);
                commands.add(Value.of(join(words)));
            }
            default -> {
                if (SHELLS.contains(name)) {
                    shell(words, args, depth, argsFromInput);
                } else {
                    effects(name, words, args, argsFromInput, depth);
                }
            }
        }
    }

    private void changeDirectory(List<ShellLexer.Token> args) {
        List<ShellLexer.Token> operands = operands(args);
        if (operands.isEmpty()) {
            cwd = home;
        } else if (operands.get(0).dynamic() || operands.get(0).text().equals("-") || cwd == null && !operands.get(0).text().startsWith("/")) {
            cwd = null;
        } else {
            cwd = Paths.normalize(operands.get(0).text(), cwd, home);
        }
        commands.add(Value.of(args.isEmpty() ? "cd" : "cd " + join(args)));
    }

    private void unwrap(List<ShellLexer.Token> args, Set<String> optionsWithValue, int depth, boolean argsFromInput)
            throws ShellLexer.UnparseableException {
        int i = skipOptions(args, optionsWithValue);
        command(args.subList(Math.min(i, args.size()), args.size()), depth, argsFromInput);
    }

    private void shell(List<ShellLexer.Token> words, List<ShellLexer.Token> args, int depth, boolean argsFromInput)
            throws ShellLexer.UnparseableException {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i).text();
            if (a.startsWith("-") && !a.startsWith("--") && a.contains("c")) {
                if (i + 1 >= args.size()) {
                    throw new ShellLexer.UnparseableException(words.get(0).text() + " -c without a command");
                }
                if (args.get(i + 1).dynamic() || argsFromInput) {
                    unknown(join(words));
                    return;
                }
                line(args.get(i + 1).text(), depth + 1);
                return;
            }
            if (!a.startsWith("-")) {
                // a script file: what it does is unknown, but it is read
                reads.add(path(args.get(i)));
                commands.add(Value.of(join(words)));
                return;
            }
        }
        // an interactive shell reading commands from stdin: nothing can be known about it
        unknown(join(words));
    }

    /** A command whose effect cannot be known before it runs: it may run, write, read and contact anything. */
    private void unknown(String text) {
        Value value = Value.opaque(text);
        commands.add(value);
        writes.add(value);
        reads.add(value);
        hosts.add(value);
    }

    /** Records the command and the paths and hosts it touches. */
    private void effects(String name, List<ShellLexer.Token> words, List<ShellLexer.Token> args, boolean argsFromInput, int depth)
            throws ShellLexer.UnparseableException {
        // Dynamic words stay in the text as ${...}: command patterns treat them as "could be anything".
        commands.add(Value.of(join(words) + (argsFromInput ? " ${input}" : "")));
        List<ShellLexer.Token> operands = operands(args);
        if (ALL_ARGS_WRITTEN.contains(name)) {
            operands.forEach(a -> writes.add(path(a)));
            if (argsFromInput) {
                writes.add(Value.opaque(join(words) + " <paths from input>"));
            }
        } else if (name.equals("chmod") || name.equals("chown") || name.equals("chgrp")) {
            operands.stream().skip(1).forEach(a -> writes.add(path(a)));
        } else if (name.equals("tee")) {
            operands.forEach(a -> writes.add(path(a)));
        } else if (name.equals("ln")) {
            if (!operands.isEmpty()) {
                writes.add(path(operands.get(operands.size() - 1)));
            }
        } else if (COPIERS.contains(name)) {
            copy(name, args, operands);
        } else if (name.equals("dd")) {
            for (ShellLexer.Token a : args) {
                if (a.text().startsWith("of=")) {
                    writes.add(path(new ShellLexer.Token(a.kind(), a.text().substring(3), a.dynamic())));
                } else if (a.text().startsWith("if=")) {
                    reads.add(path(new ShellLexer.Token(a.kind(), a.text().substring(3), a.dynamic())));
                }
            }
        } else if (name.equals("sed") || name.equals("perl")) {
            boolean inPlace = args.stream().anyMatch(a -> a.text().startsWith("-i") || a.text().equals("--in-place")
                    || (a.text().startsWith("-") && !a.text().startsWith("--") && a.text().contains("i") && name.equals("perl")));
            List<ShellLexer.Token> files = operands.size() > 1 ? operands.subList(1, operands.size()) : List.of();
            files.forEach(f -> (inPlace ? writes : reads).add(path(f)));
        } else if (EDITORS.contains(name)) {
            operands.forEach(a -> {
                writes.add(path(a));
                reads.add(path(a));
            });
        } else if (READERS.contains(name)) {
            operands.forEach(a -> reads.add(path(a)));
        } else if (GREPS.contains(name) || name.equals("awk") || name.equals("gawk")) {
            boolean patternGiven = args.stream().anyMatch(a -> a.text().equals("-e") || a.text().equals("-f"));
            operands.stream().skip(patternGiven ? 0 : 1).forEach(a -> reads.add(path(a)));
        } else if (name.equals("tar")) {
            tar(args, operands);
        } else if (name.equals("find")) {
            find(args, depth);
        }
        if (FETCHERS.contains(name)) {
            fetch(args, operands);
        } else if (REMOTE.contains(name)) {
            remote(name, operands);
        }
        for (ShellLexer.Token a : args) {
            host(a.text()).ifPresent(hosts::add);
        }
    }

    private void copy(String name, List<ShellLexer.Token> args, List<ShellLexer.Token> operands) {
        String targetDir = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i).text();
            if ((a.equals("-t") || a.equals("--target-directory")) && i + 1 < args.size()) {
                targetDir = args.get(i + 1).text();
            } else if (a.startsWith("--target-directory=")) {
                targetDir = a.substring("--target-directory=".length());
            }
        }
        List<ShellLexer.Token> sources = operands;
        if (targetDir != null) {
            writes.add(path(new ShellLexer.Token(ShellLexer.Kind.WORD, targetDir, false)));
        } else if (!operands.isEmpty()) {
            ShellLexer.Token destination = operands.get(operands.size() - 1);
            if (!isRemote(destination.text())) {
                writes.add(path(destination));
            }
            sources = operands.subList(0, operands.size() - 1);
        }
        for (ShellLexer.Token source : sources) {
            if (!isRemote(source.text())) {
                reads.add(path(source));
                if (name.equals("mv")) {
                    writes.add(path(source));
                }
            }
        }
    }

    private void tar(List<ShellLexer.Token> args, List<ShellLexer.Token> operands) {
        String flags = args.isEmpty() ? "" : args.get(0).text();
        boolean extract = flags.contains("x") || args.stream().anyMatch(a -> a.text().equals("--extract"));
        String dir = null;
        for (int i = 0; i < args.size(); i++) {
            if ((args.get(i).text().equals("-C") || args.get(i).text().equals("--directory")) && i + 1 < args.size()) {
                dir = args.get(i + 1).text();
            }
        }
        if (extract) {
            writes.add(dir == null && cwd == null ? Value.opaque("tar extraction into an unknown directory")
                    : Value.path(Paths.normalize(dir == null ? "." : dir, cwd == null ? "/" : cwd, home) + "/*"));
        } else {
            operands.stream().skip(flags.startsWith("-") ? 0 : 1).forEach(a -> reads.add(path(a)));
        }
    }

    private void find(List<ShellLexer.Token> args, int depth) throws ShellLexer.UnparseableException {
        List<Value> roots = new ArrayList<>();
        int i = 0;
        while (i < args.size() && !args.get(i).text().startsWith("-") && !args.get(i).text().equals("(") && !args.get(i).text().equals("!")) {
            roots.add(path(args.get(i)));
            i++;
        }
        if (roots.isEmpty()) {
            roots.add(cwd == null ? Value.opaque(".") : Value.path(cwd));
        }
        for (; i < args.size(); i++) {
            String a = args.get(i).text();
            if (a.equals("-delete")) {
                roots.forEach(r -> writes.add(Value.path(r.text().equals("/") ? "/*" : r.text() + "/*")));
            } else if (a.equals("-exec") || a.equals("-execdir") || a.equals("-ok") || a.equals("-okdir")) {
                List<ShellLexer.Token> inner = new ArrayList<>();
                for (i++; i < args.size() && !args.get(i).text().equals(";") && !args.get(i).text().equals("+"); i++) {
                    ShellLexer.Token t = args.get(i);
                    inner.add(t.text().contains("{}") ? new ShellLexer.Token(t.kind(), t.text(), true) : t);
                }
                command(inner, depth + 1, true);
            }
        }
    }

    private void fetch(List<ShellLexer.Token> args, List<ShellLexer.Token> operands) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i).text();
            if ((a.equals("-o") || a.equals("--output") || a.equals("-O") || a.equals("--output-document")) && i + 1 < args.size()) {
                if (!args.get(i + 1).text().equals("-")) {
                    writes.add(path(args.get(i + 1)));
                }
            }
        }
        for (ShellLexer.Token operand : operands) {
            String t = operand.text();
            if (operand.dynamic()) {
                hosts.add(Value.opaque(t));
            } else if (!t.contains("://") && t.contains(".") && !t.startsWith("/") && !t.startsWith(".")) {
                host("http://" + t).ifPresent(hosts::add);
            }
        }
    }

    private void remote(String name, List<ShellLexer.Token> operands) {
        for (ShellLexer.Token operand : operands) {
            String t = operand.text();
            if (operand.dynamic()) {
                hosts.add(Value.opaque(t));
                continue;
            }
            if (name.equals("scp") || name.equals("rsync") || name.equals("sftp")) {
                if (isRemote(t)) {
                    host("ssh://" + t.substring(0, t.indexOf(':'))).ifPresent(hosts::add);
                }
            } else if (!t.contains("://")) {
                host("ssh://" + t).ifPresent(hosts::add);
                if (!name.equals("ssh")) {
                    return; // nc host port, telnet host: only the first operand is a host
                }
                return;
            }
        }
    }

    /** The host of a URL-like word ({@code https://x.example.com/...}), lower-cased, without user, port or trailing dot. */
    static java.util.Optional<Value> host(String word) {
        int scheme = word.indexOf("://");
        if (scheme <= 0 || !word.substring(0, scheme).chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')) {
            return java.util.Optional.empty();
        }
        String rest = word.substring(scheme + 3);
        int end = rest.length();
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        String authority = rest.substring(0, end);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1);
        }
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            authority = close > 0 ? authority.substring(0, close + 1) : authority;
        } else {
            int colon = authority.indexOf(':');
            if (colon >= 0) {
                authority = authority.substring(0, colon);
            }
        }
        while (authority.endsWith(".")) {
            authority = authority.substring(0, authority.length() - 1);
        }
        if (authority.isEmpty()) {
            return java.util.Optional.empty();
        }
        if (authority.contains("${") || authority.contains("$(") || authority.contains("`")) {
            return java.util.Optional.of(Value.opaque(authority));
        }
        try {
            return java.util.Optional.of(Value.of(java.net.IDN.toASCII(authority, java.net.IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.of(Value.opaque(authority));
        }
    }

    private Value path(ShellLexer.Token token) {
        String text = token.text();
        boolean absolute = text.startsWith("/") || text.startsWith("~");
        if (token.dynamic() || (cwd == null && !absolute)) {
            return Value.opaque(text);
        }
        return Value.path(Paths.normalize(text, cwd, home));
    }

    private static List<ShellLexer.Token> operands(List<ShellLexer.Token> args) {
        List<ShellLexer.Token> operands = new ArrayList<>();
        boolean endOfOptions = false;
        for (ShellLexer.Token a : args) {
            if (!endOfOptions && a.text().equals("--")) {
                endOfOptions = true;
            } else if (endOfOptions || !a.text().startsWith("-") || a.text().equals("-")) {
                if (!a.text().equals("-")) {
                    operands.add(a);
                }
            }
        }
        return operands;
    }

    private static int skipOptions(List<ShellLexer.Token> args, Set<String> withValue) {
        int i = 0;
        while (i < args.size() && args.get(i).text().startsWith("-") && !args.get(i).text().equals("-")) {
            if (args.get(i).text().equals("--")) {
                return i + 1;
            }
            i += withValue.contains(args.get(i).text()) ? 2 : 1;
        }
        return i;
    }

    private static boolean isRemote(String operand) {
        int colon = operand.indexOf(':');
        int slash = operand.indexOf('/');
        return colon > 0 && (slash < 0 || colon < slash) && !operand.contains("://");
    }

    private static boolean isAssignment(String word) {
        int eq = word.indexOf('=');
        return eq > 0 && word.substring(0, eq).chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_')
                && !Character.isDigit(word.charAt(0));
    }

    private static String basename(String command) {
        int slash = command.lastIndexOf('/');
        return slash < 0 ? command : command.substring(slash + 1);
    }

    private static String join(List<ShellLexer.Token> words) {
        StringBuilder text = new StringBuilder();
        for (ShellLexer.Token w : words) {
            if (text.length() > 0) {
                text.append(' ');
            }
            text.append(w.text());
        }
        return text.toString();
    }
}
