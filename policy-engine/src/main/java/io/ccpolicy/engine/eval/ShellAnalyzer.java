package io.ccpolicy.engine.eval;

import io.ccpolicy.engine.eval.ShellLexer.Kind;
import io.ccpolicy.engine.eval.ShellLexer.Part;
import io.ccpolicy.engine.eval.ShellLexer.PartKind;
import io.ccpolicy.engine.eval.ShellLexer.Token;
import io.ccpolicy.engine.eval.ShellLexer.UnparseableException;
import io.ccpolicy.engine.eval.ShellLexer.Word;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a shell command line into a {@link ShellAnalysis} on a positive model: for every construct it either knows a
 * superset of what bash will write, read, contact and run, or it records an opaque value naming the construct, which
 * every policy reads as the most restrictive case. Programs whose behaviour is not on the command line ({@code make},
 * {@code npm test}, a script file) are recorded as commands; what they do inside is the OS sandbox's to confine.
 *
 * <p>Two passes: the first collects what variables are assigned (flow-insensitively, every value a variable is ever
 * given), the second expands words with those values and records effects.
 */
final class ShellAnalyzer {

    private static final int MAX_DEPTH = 8;
    private static final int MAX_FIELDS = 64;
    private static final int MAX_CWDS = 8;

    private static final Set<String> POSIX_SHELLS = Set.of("sh", "bash", "dash", "ksh", "ash", "mksh", "rbash", "lksh", "posh");
    private static final Set<String> OTHER_SHELLS = Set.of("zsh", "fish", "csh", "tcsh", "xonsh", "nu", "elvish", "pwsh", "powershell");
    private static final Set<String> KEYWORDS = Set.of("if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "esac");
    private static final java.util.regex.Pattern TRIMMED = java.util.regex.Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(%%|%|##|#|:-|-)(.*)");
    private static final Set<String> INTEGER_TESTS = Set.of("-eq", "-ne", "-lt", "-le", "-gt", "-ge");
    private static final Set<String> GIT_REMOTE_SUBCOMMANDS = Set.of("clone", "fetch", "pull", "push", "ls-remote", "remote", "submodule",
            "archive");
    private static final Set<String> STANDARD_DIRS = Set.of("/bin", "/usr/bin", "/usr/local/bin", "/sbin", "/usr/sbin", "/usr/local/sbin");
    /** Files that are not files: writing to them writes nothing on disk. */
    private static final Set<String> DEVICES = Set.of("/dev/null", "/dev/zero", "/dev/full", "/dev/stdout", "/dev/stderr", "/dev/stdin",
            "/dev/tty", "/dev/random", "/dev/urandom");
    /** Variables whose value bash or common tools run as code, or that change what a command name or path means. */
    private static final Set<String> CODE_VARIABLES = Set.of("BASH_ENV", "ENV", "LD_PRELOAD", "LD_AUDIT", "LD_LIBRARY_PATH", "PATH",
            "IFS", "CDPATH", "PS4", "PROMPT_COMMAND", "SHELLOPTS", "BASHOPTS", "GLOBIGNORE", "GIT_SSH_COMMAND", "GIT_SSH",
            "GIT_EXTERNAL_DIFF", "GIT_PAGER", "GIT_EDITOR", "GIT_SEQUENCE_EDITOR", "GIT_ASKPASS", "SSH_ASKPASS", "GIT_PROXY_COMMAND",
            "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_EXEC_PATH", "GIT_DIR",
            "GIT_WORK_TREE", "PAGER", "MANPAGER", "EDITOR", "VISUAL", "LESSOPEN", "LESSCLOSE", "NODE_OPTIONS", "PERL5OPT", "PERL5LIB",
            "RUBYOPT", "PYTHONSTARTUP", "PYTHONPATH", "PYTHONHOME", "PYTHONINSPECT", "TAR_OPTIONS", "RSYNC_RSH", "BROWSER", "SHELL");
    private static final Set<String> READERS = Set.of("cat", "tac", "less", "more", "head", "tail", "nl", "base64", "base32", "xxd",
            "od", "strings", "wc", "sort", "uniq", "diff", "cmp", "md5sum", "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum",
            "b2sum", "cksum", "file", "jq", "yq", "hexdump", "bat", "zcat", "bzcat", "xzcat", "zstdcat", "stat", "readlink",
            "realpath", "ls", "tree", "du", "cut", "paste", "column", "fold", "fmt", "tr", "expand", "unexpand", "comm", "join", "rev",
            "shuf", "pr", "diff3", "sdiff", "iconv", "dos2unix", "python-json", "nproc", "basename", "dirname", "lsof", "identify");
    private static final Set<String> GREPS = Set.of("grep", "egrep", "fgrep", "rg", "ag", "ack", "zgrep");
    private static final Set<String> COMPRESSORS = Set.of("gzip", "gunzip", "bzip2", "bunzip2", "xz", "unxz", "lzma", "unlzma",
            "zstd", "unzstd", "lz4", "compress", "uncompress", "pigz", "unpigz");
    /** Interactive editors: swap files, history and whatever their commands say; none belongs in a non-interactive call. */
    private static final Set<String> EDITORS = Set.of("vi", "vim", "nvim", "nano", "emacs", "ed", "ex", "pico", "micro", "joe", "view", "vimdiff");
    /** Run their operands as a command, after options (the value-taking ones listed per wrapper below). */
    private static final Map<String, String> WRAPPER_VALUE_OPTIONS = Map.ofEntries(
            Map.entry("nice", "n|adjustment"), Map.entry("ionice", "c|n|class|classdata"), Map.entry("nohup", ""),
            Map.entry("setsid", ""), Map.entry("stdbuf", "i|o|e|input|output|error"), Map.entry("unbuffer", ""),
            Map.entry("caffeinate", "w|t"), Map.entry("builtin", ""),
            Map.entry("ltrace", "e|p|s|u|n|a|A|D|F|l|L|x"), Map.entry("catchsegv", ""), Map.entry("proxychains", "f|q"),
            Map.entry("proxychains4", "f|q"), Map.entry("torsocks", "u|p|a|P"), Map.entry("faketime", "f"), Map.entry("fakeroot", "l|s|i"),
            Map.entry("numactl", "C|N|m|p|i|physcpubind|cpunodebind|membind|preferred|interleave"), Map.entry("systemd-run", "u|p|E|unit|property|setenv|uid|gid|working-directory"),
            Map.entry("firejail", ""), Map.entry("ccache", ""), Map.entry("distcc", ""), Map.entry("dbus-run-session", "config-file"),
            Map.entry("xvfb-run", "a|n|s|e|f|p|server-args|error-file|auth-file|server-num"), Map.entry("valgrind", ""));
    /** Tools whose subcommand runs the command that follows it ({@code uv run pytest}, {@code bundle exec rake}). */
    private static final Map<String, String> RUNNERS = Map.of("uv", "run", "poetry", "run", "pipenv", "run", "pdm", "run", "hatch", "run",
            "rye", "run", "bundle", "exec", "pixi", "run", "conda", "run");

    private final String home;
    private final Variables variables;
    private final boolean collecting;
    /**
     * The directories the current command may run in; null once that cannot be known. Directory sets are replaced, never
     * changed in place, so one kept to restore later needs no copy.
     */
    private Set<String> cwds;
    private Set<String> previousCwds;
    /** Every directory the line visits, for traps (which run wherever the line has moved to); sets are never changed in place. */
    private final Set<String> everyCwd = new LinkedHashSet<>(4);
    private final Map<String, List<Token>> functions = new HashMap<>();
    private final List<String> traps = new ArrayList<>();
    private final List<Value> commands = new ArrayList<>();
    private final List<Value> writes = new ArrayList<>();
    private final List<Value> reads = new ArrayList<>();
    private final List<Value> hosts = new ArrayList<>();
    private final List<Value> programs = new ArrayList<>();
    private final List<Value> mcpServers = new ArrayList<>();
    private int callDepth;
    /** The paths a command prints for the next one in a pipe ({@code find . -name x | xargs rm}), when they are known. */
    private Field lastOutput;
    private Field pipeInput;

    private final String initialCwd;

    private ShellAnalyzer(String cwd, String home, Variables variables, boolean collecting) {
        this.initialCwd = cwd;
        this.cwds = cwd == null ? null : Set.of(cwd);
        this.home = home;
        this.variables = variables;
        this.collecting = collecting;
    }

    static ShellAnalysis analyze(String command, String cwd, String home) {
        try {
            Variables variables = new Variables();
            if (command.indexOf('$') >= 0 || command.indexOf('`') >= 0) {
                ShellAnalyzer collector = new ShellAnalyzer(cwd, home, variables, true);
                collector.line(command, 0);
                collector.runTraps();
                variables.collected = true;
            }
            ShellAnalyzer analyzer = new ShellAnalyzer(cwd, home, variables, false);
            analyzer.line(command, 0);
            analyzer.runTraps();
            // the analyzer is done with its lists: they are handed over, read-only from here
            return new ShellAnalysis(Collections.unmodifiableList(analyzer.commands), Collections.unmodifiableList(analyzer.writes),
                    Collections.unmodifiableList(analyzer.reads), Collections.unmodifiableList(analyzer.hosts),
                    Collections.unmodifiableList(analyzer.programs), Collections.unmodifiableList(analyzer.mcpServers), null);
        } catch (UnparseableException e) {
            Value unknown = Value.opaque("a command that cannot be parsed (" + e.getMessage() + ")");
            return new ShellAnalysis(List.of(unknown), List.of(unknown), List.of(unknown), List.of(unknown), List.of(), List.of(unknown),
                    e.getMessage());
        }
    }

    // ---------------------------------------------------------------- variables

    /** What the first pass learnt: every value each variable is given anywhere, and what comes before its first assignment. */
    private static final class Variables {
        final Map<String, List<Field>> values = new HashMap<>();
        final Set<String> unknown = new java.util.HashSet<>();
        final Set<String> usedBeforeAssignment = new java.util.HashSet<>();
        /** Some assigned value holds code text ($(...) or backticks in quotes) that an evaluating expansion could run. */
        boolean codeInValues;
        boolean collected;

        void assign(String name, List<Field> fields) {
            if (!values.containsKey(name) && !unknown.contains(name)) {
                values.put(name, new ArrayList<>());
            }
            if (fields == null || fields.stream().anyMatch(Field::dynamic)) {
                unknown.add(name);
            } else if (values.containsKey(name)) {
                values.get(name).addAll(fields);
            }
        }

        void use(String name) {
            if (!values.containsKey(name) && !unknown.contains(name)) {
                usedBeforeAssignment.add(name);
            }
        }
    }

    /** One word after expansion: its text, whether part of it is only known at run time, whether it is a glob. */
    record Field(String text, boolean dynamic, boolean glob) {
        static Field literal(String text) {
            return new Field(text, false, false);
        }
    }

    // ---------------------------------------------------------------- structure

    private void line(String text, int depth) throws UnparseableException {
        if (depth > MAX_DEPTH) {
            throw new UnparseableException("commands nested more than " + MAX_DEPTH + " levels deep");
        }
        Field output = lastOutput;
        Field input = pipeInput;
        lastOutput = null;
        pipeInput = null;
        run(new ShellLexer(text).lex().tokens(), depth);
        lastOutput = output;
        pipeInput = input;
    }

    private record Saved(Set<String> cwds, Set<String> previous) {
    }

    private void run(List<Token> tokens, int depth) throws UnparseableException {
        Deque<Saved> subshells = new ArrayDeque<>();
        Deque<Boolean> cases = new ArrayDeque<>();
        List<Token> current = new ArrayList<>();
        int i = 0;
        while (i < tokens.size()) {
            Token token = tokens.get(i);
            boolean atStart = current.isEmpty();
            if (token.kind() == Kind.OPERATOR) {
                lastOutput = null;
                simple(current, depth);
                current = new ArrayList<>();
                String op = token.text();
                pipeInput = op.equals("|") || op.equals("|&") ? lastOutput : null;
                if (op.equals("(") && atStart) {
                    subshells.push(new Saved(cwds, previousCwds));
                } else if (op.equals(")")) {
                    if (subshells.isEmpty()) {
                        throw new UnparseableException("')' without a matching '('");
                    }
                    Saved saved = subshells.pop();
                    cwds = saved.cwds();
                    previousCwds = saved.previous();
                } else if (op.equals("(")) {
                    throw new UnparseableException("unexpected '('");
                } else if ((op.equals(";;") || op.equals(";&") || op.equals(";;&")) && !cases.isEmpty()) {
                    cases.pop();
                    cases.push(true);
                }
                i++;
                continue;
            }
            if (token.kind() == Kind.ARITHMETIC) {
                expandWord(token.word(), depth);
                i++;
                continue;
            }
            if (atStart && token.kind() == Kind.WORD) {
                if (!cases.isEmpty() && cases.peek()) {
                    if (token.is("esac")) {
                        cases.pop();
                        i++;
                        continue;
                    }
                    i = casePattern(tokens, i, depth);
                    cases.pop();
                    cases.push(false);
                    continue;
                }
                if (token.is("esac") && !cases.isEmpty()) {
                    cases.pop();
                    i++;
                    continue;
                }
                if (token.is("case")) {
                    i = caseHeader(tokens, i, depth);
                    cases.push(true);
                    continue;
                }
                if (token.is("for") || token.is("select")) {
                    i = loopHeader(tokens, i, depth);
                    continue;
                }
                if (token.is("function") || (i + 2 < tokens.size() && isOperator(tokens.get(i + 1), "(") && isOperator(tokens.get(i + 2), ")")
                        && token.word().isLiteral())) {
                    i = defineFunction(tokens, i);
                    continue;
                }
                if (token.kind() == Kind.WORD && (KEYWORDS.contains(token.text()) && token.word().isLiteral()
                        || token.is("time") || token.is("coproc"))) {
                    i++;
                    if (token.is("time") && i < tokens.size() && tokens.get(i).is("-p")) {
                        i++;
                    }
                    if (token.is("coproc") && i + 1 < tokens.size() && tokens.get(i).kind() == Kind.WORD
                            && (tokens.get(i + 1).is("{") || isOperator(tokens.get(i + 1), "("))) {
                        i++; // coproc NAME { ...; }
                    }
                    continue;
                }
                if (token.is("[[")) {
                    i = conditional(tokens, i, depth);
                    continue;
                }
            }
            current.add(token);
            i++;
        }
        simple(current, depth);
        if (!subshells.isEmpty()) {
            throw new UnparseableException("'(' without a matching ')'");
        }
    }

    private static boolean isOperator(Token token, String op) {
        return token.kind() == Kind.OPERATOR && token.text().equals(op);
    }

    private int caseHeader(List<Token> tokens, int i, int depth) throws UnparseableException {
        int j = i + 1;
        while (j < tokens.size() && !tokens.get(j).is("in")) {
            if (tokens.get(j).kind() == Kind.WORD) {
                expandWord(tokens.get(j).word(), depth);
            }
            j++;
        }
        if (j >= tokens.size()) {
            throw new UnparseableException("case without 'in'");
        }
        j++;
        while (j < tokens.size() && isOperator(tokens.get(j), "\n")) {
            j++;
        }
        return j;
    }

    /** Skips a case pattern list {@code (a|b)} up to its ')', expanding its words (a pattern may hold substitutions). */
    private int casePattern(List<Token> tokens, int i, int depth) throws UnparseableException {
        int j = i;
        while (j < tokens.size() && !isOperator(tokens.get(j), ")")) {
            if (tokens.get(j).kind() == Kind.WORD) {
                expandWord(tokens.get(j).word(), depth);
            }
            j++;
        }
        if (j >= tokens.size()) {
            throw new UnparseableException("case pattern without ')'");
        }
        return j + 1;
    }

    /** {@code for NAME in WORDS} (or {@code for ((...))}): the loop variable takes each word's value. */
    private int loopHeader(List<Token> tokens, int i, int depth) throws UnparseableException {
        int j = i + 1;
        if (j < tokens.size() && tokens.get(j).kind() == Kind.ARITHMETIC) {
            expandWord(tokens.get(j).word(), depth);
            return j + 1;
        }
        if (j >= tokens.size() || tokens.get(j).kind() != Kind.WORD) {
            throw new UnparseableException("for without a variable name");
        }
        String name = tokens.get(j).text();
        j++;
        List<Field> values = new ArrayList<>();
        boolean explicit = j < tokens.size() && tokens.get(j).is("in");
        if (explicit) {
            j++;
            while (j < tokens.size() && tokens.get(j).kind() == Kind.WORD && !tokens.get(j).is("do")) {
                values.addAll(expandWord(tokens.get(j).word(), depth));
                j++;
            }
        }
        if (collecting) {
            variables.assign(name, explicit ? values : null);
        }
        return j;
    }

    /** {@code name() BODY} or {@code function name [()] BODY}: the body is analysed where the function is called. */
    private int defineFunction(List<Token> tokens, int i) throws UnparseableException {
        int j = i;
        if (tokens.get(j).is("function")) {
            j++;
        }
        if (j >= tokens.size() || tokens.get(j).kind() != Kind.WORD) {
            throw new UnparseableException("function without a name");
        }
        String name = tokens.get(j).text();
        j++;
        if (j + 1 < tokens.size() && isOperator(tokens.get(j), "(") && isOperator(tokens.get(j + 1), ")")) {
            j += 2;
        }
        while (j < tokens.size() && isOperator(tokens.get(j), "\n")) {
            j++;
        }
        if (j >= tokens.size()) {
            throw new UnparseableException("function " + name + " without a body");
        }
        int start = j;
        int end;
        if (tokens.get(j).is("{")) {
            end = matching(tokens, j, "{", "}");
        } else if (isOperator(tokens.get(j), "(")) {
            end = matchingParen(tokens, j);
        } else {
            throw new UnparseableException("function " + name + " whose body is not { ...; } or ( ... )");
        }
        functions.put(name, new ArrayList<>(tokens.subList(start, end + 1)));
        commands.add(Value.of("function " + name));
        return end + 1;
    }

    private static int matching(List<Token> tokens, int open, String opening, String closing) throws UnparseableException {
        int depth = 0;
        boolean atStart = true;
        for (int j = open; j < tokens.size(); j++) {
            Token t = tokens.get(j);
            if (atStart && t.is(opening)) {
                depth++;
            } else if (atStart && t.is(closing)) {
                depth--;
                if (depth == 0) {
                    return j;
                }
            }
            atStart = t.kind() == Kind.OPERATOR || (t.kind() == Kind.WORD && t.word().isLiteral() && KEYWORDS.contains(t.text()));
        }
        throw new UnparseableException("'" + opening + "' without a matching '" + closing + "'");
    }

    private static int matchingParen(List<Token> tokens, int open) throws UnparseableException {
        int depth = 0;
        for (int j = open; j < tokens.size(); j++) {
            if (isOperator(tokens.get(j), "(")) {
                depth++;
            } else if (isOperator(tokens.get(j), ")") && --depth == 0) {
                return j;
            }
        }
        throw new UnparseableException("'(' without a matching ')'");
    }

    /** {@code [[ ... ]]}: nothing runs but its expansions; integer comparisons evaluate variable contents as arithmetic. */
    private int conditional(List<Token> tokens, int i, int depth) throws UnparseableException {
        int j = i + 1;
        boolean arithmetic = false;
        while (j < tokens.size() && !tokens.get(j).is("]]")) {
            Token t = tokens.get(j);
            if (t.kind() == Kind.WORD) {
                arithmetic |= t.word().isLiteral() && INTEGER_TESTS.contains(t.text());
                expandWord(t.word(), depth);
            }
            j++;
        }
        if (j >= tokens.size()) {
            throw new UnparseableException("[[ without ]]");
        }
        if (arithmetic) {
            evaluation("[[ ... -eq ... ]]");
        }
        return j + 1;
    }

    // ---------------------------------------------------------------- simple commands

    private record Redirect(String op, Word target) {
    }

    private void simple(List<Token> tokens, int depth) throws UnparseableException {
        if (tokens.isEmpty()) {
            return;
        }
        List<Redirect> redirects = new ArrayList<>();
        List<Word> words = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.kind() == Kind.REDIRECT) {
                Token target = i + 1 < tokens.size() ? tokens.get(++i) : null;
                if (target == null || target.kind() != Kind.WORD) {
                    throw new UnparseableException("redirection '" + token.text() + "' without a target");
                }
                redirects.add(new Redirect(token.text(), target.word()));
            } else if (token.kind() == Kind.WORD) {
                words.add(token.word());
            } else {
                throw new UnparseableException("unexpected arithmetic command inside a command");
            }
        }
        int start = 0;
        List<String[]> assignments = new ArrayList<>();
        while (start < words.size() && assignmentName(words.get(start)) != null) {
            Word word = words.get(start);
            String name = assignmentName(word);
            List<Field> value = expandWord(assignmentValue(word), depth);
            assignments.add(new String[] {name});
            if (collecting) {
                variables.assign(name, value.size() == 1 ? value : null);
                noteCodeText(assignmentValue(word));
            }
            start++;
        }
        List<Field> fields = new ArrayList<>();
        for (int w = start; w < words.size(); w++) {
            fields.addAll(expandWord(words.get(w), depth));
        }
        for (Redirect redirect : redirects) {
            redirect(redirect, depth);
        }
        for (String[] assignment : assignments) {
            if (CODE_VARIABLES.contains(assignment[0])) {
                opaque(assignment[0] + "=...", "setting " + assignment[0] + " changes what runs");
            }
        }
        if (fields.isEmpty()) {
            return;
        }
        command(fields, depth, stdinOf(redirects));
    }

    /** The literal text a command reads as its input from a here-document or here-string, when it is known. */
    private static Optional<String> stdinOf(List<Redirect> redirects) {
        Optional<String> stdin = Optional.empty();
        for (Redirect r : redirects) {
            if (r.op().startsWith("<<")) {
                stdin = r.target().isLiteral() ? Optional.of(r.target().display()) : Optional.empty();
            } else if (r.op().equals("<") || r.op().equals("<&") || r.op().equals("<>")) {
                stdin = Optional.empty();
            }
        }
        return stdin;
    }

    private static String assignmentName(Word word) {
        if (word.parts().isEmpty() || word.parts().get(0).kind() != PartKind.LITERAL || word.parts().get(0).quoted()) {
            return null;
        }
        String first = word.parts().get(0).text();
        int eq = first.indexOf('=');
        if (eq <= 0) {
            return null;
        }
        String name = first.substring(0, first.charAt(eq - 1) == '+' ? eq - 1 : eq);
        return name.matches("[A-Za-z_][A-Za-z0-9_]*") ? name : null;
    }

    private static Word assignmentValue(Word word) {
        List<Part> parts = new ArrayList<>(word.parts());
        Part first = parts.get(0);
        String rest = first.text().substring(first.text().indexOf('=') + 1);
        if (rest.isEmpty()) {
            parts.remove(0);
        } else {
            parts.set(0, new Part(PartKind.LITERAL, rest, false));
        }
        return new Word(parts, word.nested(), word.evaluates(), word.extglob());
    }

    private void noteCodeText(Word value) {
        for (Part part : value.parts()) {
            if (part.kind() == PartKind.LITERAL && part.quoted() && (part.text().contains("$(") || part.text().contains("`"))) {
                variables.codeInValues = true;
            }
        }
    }

    /** An expansion that evaluates variable contents as code runs whatever an assigned value holds. */
    private void evaluation(String construct) {
        if (variables.codeInValues) {
            opaque(construct, "an arithmetic expansion evaluates a variable that holds command text");
        }
    }

    private void redirect(Redirect redirect, int depth) throws UnparseableException {
        String op = redirect.op();
        if (op.startsWith("<<")) {
            expandWord(redirect.target(), depth);
            return;
        }
        List<Field> targets = expandWord(redirect.target(), depth);
        for (Field target : targets) {
            if (!target.dynamic() && (target.text().startsWith("/dev/tcp/") || target.text().startsWith("/dev/udp/"))) {
                // bash opens a socket for these names: a connection, not a file
                String[] parts = target.text().split("/");
                contactField(Field.literal(parts.length > 3 ? parts[3] : ""), target.text().startsWith("/dev/tcp/") ? "tcp://" : "udp://");
                continue;
            }
            switch (op) {
                case ">", ">>", ">|", "&>", "&>>" -> write(target);
                case "<>" -> {
                    write(target);
                    read(target);
                }
                case ">&" -> {
                    String t = target.text();
                    String digits = t.endsWith("-") ? t.substring(0, t.length() - 1) : t;
                    if (!digits.chars().allMatch(Character::isDigit)) {
                        write(target);
                    }
                }
                case "<" -> read(target);
                default -> {
                    // <& duplicates a descriptor
                }
            }
        }
    }

    // ---------------------------------------------------------------- word expansion

    /** Expands a word the way bash would (brace, tilde, variables, globs marked); runs the commands inside it first. */
    private List<Field> expandWord(Word word, int depth) throws UnparseableException {
        if (word.parts().size() == 1 && word.nested().isEmpty() && !word.evaluates() && !word.extglob()
                && word.parts().get(0).kind() == PartKind.LITERAL) {
            // the common case, one plain literal: nothing to expand unless unquoted braces or a leading tilde
            Part only = word.parts().get(0);
            String text = only.text();
            if (only.quoted()) {
                return List.of(Field.literal(text));
            }
            if (text.indexOf('{') < 0 && !text.startsWith("~")) {
                return List.of(new Field(text, false, Wildcard.hasShellGlob(text)));
            }
        }
        for (String inner : word.nested()) {
            Saved saved = new Saved(cwds, previousCwds);
            line(inner, depth + 1);
            cwds = saved.cwds();
            previousCwds = saved.previous();
        }
        if (word.evaluates()) {
            evaluation(word.display());
        }
        // Encode: quoted characters escaped with '\', each variable or dynamic part as a marker \u0001index\u0002.
        StringBuilder encoded = new StringBuilder();
        List<Part> parts = word.parts();
        for (int i = 0; i < parts.size(); i++) {
            Part part = parts.get(i);
            if (part.kind() == PartKind.LITERAL) {
                for (int c = 0; c < part.text().length(); c++) {
                    char ch = part.text().charAt(c);
                    if (part.quoted() || ch == '\\') {
                        encoded.append('\\');
                    }
                    encoded.append(ch);
                }
            } else {
                encoded.append('\u0001').append((char) ('A' + i)).append('\u0002');
            }
        }
        List<String> braced = word.parts().stream().anyMatch(p -> p.kind() == PartKind.LITERAL && !p.quoted() && p.text().indexOf('{') >= 0)
                ? BraceExpansion.expand(encoded.toString(), MAX_FIELDS) : List.of(encoded.toString());
        if (braced == null) {
            return List.of(new Field(word.display(), true, false));
        }
        List<Field> fields = new ArrayList<>();
        for (String text : braced) {
            fields.addAll(substitute(text, parts, word.extglob()));
            if (fields.size() > MAX_FIELDS) {
                return List.of(new Field(word.display(), true, false));
            }
        }
        return fields;
    }

    /** Tilde and variables in one brace-expanded string; several values of a variable give several fields. */
    private List<Field> substitute(String encoded, List<Part> parts, boolean extglob) {
        List<StringBuilder> texts = new ArrayList<>(List.of(new StringBuilder()));
        boolean dynamic = false;
        boolean glob = extglob;
        int i = 0;
        if (encoded.startsWith("~")) {
            int end = 1;
            while (end < encoded.length() && encoded.charAt(end) != '/' && encoded.charAt(end) != '\u0001' && encoded.charAt(end) != '\\') {
                end++;
            }
            String user = encoded.substring(1, end);
            if (user.isEmpty()) {
                texts.get(0).append(home);
            } else if (user.equals("+") && cwds != null && cwds.size() == 1) {
                texts.get(0).append(cwds.iterator().next());
            } else if (user.equals("-") && previousCwds != null && previousCwds.size() == 1) {
                texts.get(0).append(previousCwds.iterator().next());
            } else {
                texts.get(0).append("${~").append(user).append('}');
                dynamic = true;
            }
            i = end;
        }
        for (; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '\\' && i + 1 < encoded.length()) {
                char next = encoded.charAt(++i);
                texts.forEach(t -> t.append(next));
                continue;
            }
            if (c == '\u0001') {
                Part part = parts.get(encoded.charAt(i + 1) - 'A');
                i += 2;
                if (part.kind() == PartKind.PROCESS) {
                    texts.forEach(t -> t.append("/dev/fd/63")); // a pipe to the substituted command, not a file
                    continue;
                }
                List<String> values = partValues(part);
                if (values == null) {
                    String shown = part.kind() == PartKind.VARIABLE || part.kind() == PartKind.TRIMMED ? "${" + part.text() + "}" : part.text();
                    texts.forEach(t -> t.append(shown));
                    dynamic = true;
                    continue;
                }
                if (!part.quoted() && values.stream().anyMatch(v -> v.chars().anyMatch(ch -> ch == ' ' || ch == '\t' || ch == '\n'))) {
                    // word splitting of an unquoted value: not modelled, so not guessed
                    texts.forEach(t -> t.append("${").append(part.text()).append('}'));
                    dynamic = true;
                    continue;
                }
                if (!part.quoted() && values.stream().anyMatch(Wildcard::hasShellGlob)) {
                    glob = true;
                }
                if (variableGlob(part)) {
                    glob = true;
                }
                List<StringBuilder> grown = new ArrayList<>();
                for (StringBuilder t : texts) {
                    for (String v : values) {
                        grown.add(new StringBuilder(t).append(v));
                    }
                }
                texts = grown.size() > MAX_FIELDS ? texts : grown;
                if (grown.size() > MAX_FIELDS) {
                    texts.forEach(t -> t.append("${").append(part.text()).append('}'));
                    dynamic = true;
                }
                continue;
            }
            if (c == '*' || c == '?' || c == '[') {
                glob = true;
            }
            texts.forEach(t -> t.append(c));
        }
        List<Field> fields = new ArrayList<>();
        for (StringBuilder t : texts) {
            fields.add(new Field(t.toString(), dynamic, glob && !dynamic));
        }
        return fields;
    }

    /** A loop variable over a glob stands for each file the glob matches, so it keeps the glob's reach even when quoted. */
    private boolean variableGlob(Part part) {
        if (part.kind() != PartKind.VARIABLE && part.kind() != PartKind.TRIMMED) {
            return false;
        }
        String name = part.text().replaceFirst("[^A-Za-z0-9_].*$", "");
        List<Field> values = variables.values.get(name);
        return values != null && values.stream().anyMatch(Field::glob);
    }

    /** The values a part may take, or null when it is only known at run time. */
    private List<String> partValues(Part part) {
        if (part.kind() == PartKind.TRIMMED) {
            return trimmedValues(part.text());
        }
        if (part.kind() != PartKind.VARIABLE) {
            return null;
        }
        return variableValues(part.text());
    }

    private List<String> trimmedValues(String expression) {
        java.util.regex.Matcher m = TRIMMED.matcher(expression);
        if (!m.matches()) {
            return null;
        }
        List<String> values = variableValues(m.group(1));
        String operand = m.group(3);
        if (values == null) {
            return null;
        }
        List<String> result = new ArrayList<>();
        for (String v : values) {
            switch (m.group(2)) {
                case "%", "%%" -> result.add(v.endsWith(operand) ? v.substring(0, v.length() - operand.length()) : v);
                case "#", "##" -> result.add(v.startsWith(operand) ? v.substring(operand.length()) : v);
                default -> {
                    result.add(v);
                    result.add(operand); // the default, when the variable is empty
                }
            }
        }
        return result;
    }

    private List<String> variableValues(String name) {
        switch (name) {
            case "HOME" -> {
                return List.of(home);
            }
            case "PWD" -> {
                return cwds == null ? null : List.copyOf(cwds);
            }
            case "OLDPWD" -> {
                return previousCwds == null ? null : List.copyOf(previousCwds);
            }
            default -> {
                if (collecting) {
                    variables.use(name);
                    return null;
                }
                if (!variables.collected || variables.unknown.contains(name) || variables.usedBeforeAssignment.contains(name)
                        || !variables.values.containsKey(name) || variables.values.get(name).isEmpty()) {
                    return null;
                }
                return variables.values.get(name).stream().map(Field::text).distinct().toList();
            }
        }
    }

    // ---------------------------------------------------------------- effects

    private void write(Field field) {
        if (!collecting) {
            paths(field).forEach(writes::add);
        }
    }

    private void read(Field field) {
        if (!collecting) {
            paths(field).forEach(reads::add);
        }
    }

    /** The absolute paths a field names, one per possible working directory; devices are no files. */
    private List<Value> paths(Field field) {
        String text = field.text();
        if (field.dynamic()) {
            return List.of(Value.opaque("the path " + text + ", only known when the command runs"));
        }
        if (text.isEmpty()) {
            return List.of();
        }
        List<String> bases = text.startsWith("/") ? List.of("/") : cwds == null ? null : List.copyOf(cwds);
        if (bases == null) {
            return List.of(Value.opaque("the relative path " + text + " in a directory only known when the command runs"));
        }
        if (field.glob() && globThenParent(text)) {
            return List.of(Value.opaque("the glob " + text + ", whose '..' depends on what the glob matches"));
        }
        List<Value> values = new ArrayList<>(bases.size());
        for (String base : bases) {
            String normalized = Paths.resolve(text, base);
            if (DEVICES.contains(normalized) || descriptor(normalized)) {
                continue;
            }
            // a base directory may itself be a glob (find -execdir runs in every directory under its root)
            values.add(field.glob() || Wildcard.hasShellGlob(base) ? new Value(normalized, false, true) : new Value(normalized, false, false));
        }
        return values;
    }

    /** {@code /dev/fd/N} or {@code /proc/self/fd/N}: one of the shell's own descriptors, not a file. */
    private static boolean descriptor(String path) {
        String number = path.startsWith("/dev/fd/") ? path.substring(8) : path.startsWith("/proc/self/fd/") ? path.substring(14) : "";
        return !number.isEmpty() && number.chars().allMatch(Character::isDigit);
    }

    private static boolean globThenParent(String text) {
        int glob = Wildcard.firstGlob(text);
        return glob >= 0 && text.indexOf("..", glob) >= 0;
    }

    /** A construct whose effects cannot be known: it may run, write, read and contact anything. */
    private void opaque(String construct, String why) {
        if (collecting) {
            return;
        }
        String shown = construct.length() > 80 ? construct.substring(0, 77) + "..." : construct;
        Value value = Value.opaque("`" + shown.replace('\n', ' ') + "`: " + why);
        commands.add(value);
        writes.add(value);
        reads.add(value);
        hosts.add(value);
    }

    private void record(List<Field> fields) {
        if (!collecting) {
            commands.add(Value.of(join(fields)));
        }
    }

    private void contactUrl(String word) {
        if (!collecting) {
            host(word, hosts);
        }
    }

    private static void host(String word, List<Value> into) {
        host(word).ifPresent(into::add);
    }

    // ---------------------------------------------------------------- commands

    /**
     * One command with its expanded words. {@code stdin} is the literal text of a here-document or here-string on its
     * input, when there is one.
     */
    private void command(List<Field> fields, int depth, Optional<String> stdin) throws UnparseableException {
        if (fields.isEmpty()) {
            return;
        }
        Field first = fields.get(0);
        if (first.dynamic() || first.glob()) {
            opaque(join(fields), "the command name is only known when it runs");
            return;
        }
        String path = first.text();
        String name = basename(path);
        List<Field> args = fields.subList(1, fields.size());
        if (functions.containsKey(path) && !path.contains("/")) {
            record(fields);
            if (++callDepth > MAX_DEPTH) {
                throw new UnparseableException("function " + path + " calls itself more than " + MAX_DEPTH + " levels deep");
            }
            run(functions.get(path), depth + 1);
            callDepth--;
            return;
        }
        if (path.contains("/") && !STANDARD_DIRS.contains(parent(path))) {
            // ./gradlew, ./build.sh, /opt/x/bin/tool: a program on disk, not the command of that name
            program(fields);
            return;
        }
        switch (name) {
            case "cd", "chdir", "pushd" -> changeDirectory(fields, args);
            case "popd" -> {
                record(fields);
                setCwds(null);
            }
            case "sudo" -> sudo(fields, args, depth);
            case "doas" -> wrapper(fields, args, "u|C", depth, stdin);
            case "env" -> env(fields, args, depth, stdin);
            case "timeout" -> {
                CommandOptions o = CommandOptions.parse(args, "s|k|signal|kill-after", false);
                record(fields);
                if (!o.operands.isEmpty()) {
                    command(o.operands.subList(1, o.operands.size()), depth, stdin);
                }
            }
            case "command" -> {
                CommandOptions o = CommandOptions.parse(args, "", false);
                if (o.has("v") || o.has("V")) {
                    record(fields);
                } else {
                    record(fields);
                    command(o.operands, depth, stdin);
                }
            }
            case "time" -> {
                CommandOptions o = CommandOptions.parse(args, "o|f|output|format", false);
                record(fields);
                o.values("o", "output").forEach(this::write);
                command(o.operands, depth, stdin);
            }
            case "strace" -> {
                CommandOptions o = CommandOptions.parse(args, "o|e|p|s|u|E|a|b|I|O|S|X|P", false);
                record(fields);
                o.values("o").forEach(this::write);
                if (!o.operands.isEmpty()) {
                    command(o.operands, depth, stdin);
                }
            }
            case "chrt" -> {
                CommandOptions o = CommandOptions.parse(args, "T|P|D", false);
                record(fields);
                if (!o.has("p") && o.operands.size() > 1) {
                    command(o.operands.subList(1, o.operands.size()), depth, stdin);
                }
            }
            case "taskset" -> {
                CommandOptions o = CommandOptions.parse(args, "", false);
                record(fields);
                if (!o.has("p") && o.operands.size() > 1) {
                    command(o.operands.subList(1, o.operands.size()), depth, stdin);
                }
            }
            case "flock" -> flock(fields, args, depth, stdin);
            case "watch" -> {
                CommandOptions o = CommandOptions.parse(args, "n|interval|d|differences|q|equexit", false);
                record(fields);
                if (o.has("x") || o.has("exec")) {
                    command(o.operands, depth, stdin);
                } else if (!o.operands.isEmpty()) {
                    shellText(o.operands, fields, depth);
                }
            }
            case "script" -> {
                CommandOptions o = CommandOptions.parse(args, "c|command|E|echo|I|log-in|O|log-out|B|log-io|T|log-timing|m|logging-format", false);
                record(fields);
                o.values("O", "log-out", "B", "log-io", "T", "log-timing", "I", "log-in").forEach(this::write);
                o.operands.stream().limit(1).forEach(this::write);
                if (o.operands.isEmpty() && !o.has("c") && !o.has("command")) {
                    write(Field.literal("typescript"));
                }
                List<Field> code = o.values("c", "command");
                if (!code.isEmpty()) {
                    shellText(code, fields, depth);
                } else {
                    opaque(join(fields), "an interactive shell reads its commands as it runs");
                }
            }
            case "su" -> su(fields, args, depth);
            case "busybox", "toybox" -> {
                record(fields);
                if (!args.isEmpty() && !args.get(0).text().startsWith("-")) {
                    command(args, depth, stdin);
                }
            }
            case "unshare" -> {
                CommandOptions o = CommandOptions.parse(args, "w|wd|R|root|S|setuid|G|setgid|propagation|setgroups|map-user|map-group|map-users|map-groups", true);
                if (o.has("R") || o.has("root")) {
                    opaque(join(fields), "a new root directory changes what every path means");
                    return;
                }
                record(fields);
                Set<String> saved = cwds;
                o.values("w", "wd").forEach(dir -> setCwds(directories(dir)));
                if (o.operands.isEmpty()) {
                    opaque(join(fields), "an interactive shell reads its commands as it runs");
                } else {
                    command(o.operands, depth, stdin);
                }
                cwds = saved;
            }
            case "nsenter", "chroot", "mount", "umount", "parallel", "alias", "enable", "hash", "bwrap", "firejail", "systemd-nspawn",
                    "lxc-attach", "proot", "fakechroot" -> {
                if (name.equals("hash") && args.stream().noneMatch(a -> a.text().startsWith("-p"))) {
                    record(fields);
                } else if (name.equals("alias") && args.stream().noneMatch(a -> a.text().contains("="))) {
                    record(fields);
                } else {
                    opaque(join(fields), describeOpaque(name));
                }
            }
            case "shopt" -> {
                if (args.stream().anyMatch(a -> a.text().equals("expand_aliases") || a.text().equals("extdebug"))) {
                    opaque(join(fields), "it changes how later commands are read");
                } else {
                    record(fields);
                }
            }
            case "xargs" -> xargs(fields, args, depth);
            case "eval" -> {
                record(fields);
                if (args.stream().anyMatch(Field::dynamic)) {
                    opaque(join(fields), "eval runs text only known when it runs");
                } else {
                    line(join(args), depth + 1);
                }
            }
            case "source", "." -> source(fields, args, depth, stdin);
            case "trap" -> trap(fields, args);
            case "exec" -> {
                CommandOptions o = CommandOptions.parse(args, "a", false);
                record(fields);
                command(o.operands, depth, stdin);
            }
            case "export", "local", "declare", "typeset", "readonly" -> declare(fields, args);
            case "read", "mapfile", "readarray", "getopts", "let", "unset" -> {
                record(fields);
                if (name.equals("let")) {
                    evaluation(join(fields));
                }
                if (collecting) {
                    args.stream().filter(a -> !a.text().startsWith("-") && a.text().matches("[A-Za-z_][A-Za-z0-9_]*"))
                            .forEach(a -> variables.assign(a.text(), null));
                }
            }
            case "echo", "true", "false", ":", "test", "[", "pwd" -> record(fields); // builtins that only print or test
            case "printf" -> {
                record(fields);
                for (int i = 0; i + 1 < args.size(); i++) {
                    if (args.get(i).text().equals("-v") && collecting) {
                        variables.assign(args.get(i + 1).text(), null);
                    }
                }
            }
            case "claude" -> claudeCli(fields, args);
            case "npx", "npm", "pnpm", "yarn" -> {
                boolean shellCode = args.stream().anyMatch(a -> a.text().equals("-c") || a.text().equals("--call") || a.text().startsWith("--call="));
                if (shellCode) {
                    opaque(join(fields), name + " -c runs shell code this analyser does not attribute");
                } else {
                    program(fields);
                }
            }
            default -> {
                if (WRAPPER_VALUE_OPTIONS.containsKey(name)) {
                    if (name.equals("ionice") && args.stream().anyMatch(a -> a.text().equals("-p"))) {
                        record(fields);
                    } else {
                        wrapper(fields, args, WRAPPER_VALUE_OPTIONS.get(name), depth, stdin);
                    }
                } else if (RUNNERS.containsKey(name) && !args.isEmpty() && args.get(0).text().equals(RUNNERS.get(name))) {
                    record(fields);
                    CommandOptions o = CommandOptions.parse(args.subList(1, args.size()), "with|python|p|env-file|e|environment|n|name", true);
                    command(o.operands, depth, stdin);
                } else if (POSIX_SHELLS.contains(name)) {
                    shell(fields, args, depth, stdin);
                } else if (OTHER_SHELLS.contains(name)) {
                    record(fields);
                    opaque(join(fields), name + " reads commands this analyser does not parse");
                } else if (Interpreters.inline(name, args)) {
                    opaque(join(fields), "cannot tell what inline " + name + " code writes, reads or contacts");
                } else {
                    effects(name, fields, args, depth);
                }
            }
        }
    }

    private static String describeOpaque(String name) {
        return switch (name) {
            case "nsenter", "chroot", "bwrap", "systemd-nspawn", "lxc-attach", "proot", "fakechroot" -> name + " changes what every path means";
            case "mount", "umount" -> "mounts change what every path means";
            case "parallel" -> "parallel builds its commands from its input";
            case "alias" -> "an alias changes what a later command name runs";
            case "enable" -> "enable changes which builtins exist";
            default -> "hash -p changes which program a name runs";
        };
    }

    private void changeDirectory(List<Field> fields, List<Field> args) {
        record(fields);
        CommandOptions o = CommandOptions.parse(args, "", false);
        Set<String> target;
        if (o.operands.isEmpty()) {
            target = fields.get(0).text().equals("pushd") ? null : new LinkedHashSet<>(List.of(home));
        } else if (o.operands.get(0).text().equals("-")) {
            target = previousCwds;
        } else {
            target = directories(o.operands.get(0));
        }
        previousCwds = cwds;
        if (cwds == null || target == null) {
            setCwds(null);
        } else {
            // cd may fail and the line go on where it was: the next command runs in either directory
            Set<String> either = new LinkedHashSet<>(cwds);
            either.addAll(target);
            setCwds(either);
        }
    }

    private Set<String> directories(Field dir) {
        if (dir.dynamic() || dir.glob()) {
            return null;
        }
        String text = dir.text();
        if (!text.startsWith("/") && cwds == null) {
            return null;
        }
        Set<String> result = new LinkedHashSet<>();
        for (String base : text.startsWith("/") ? List.of("/") : cwds) {
            result.add(Paths.resolve(text, base));
        }
        return result;
    }

    private void setCwds(Set<String> dirs) {
        cwds = dirs == null || dirs.size() > MAX_CWDS ? null : dirs;
        if (cwds != null) {
            everyCwd.addAll(cwds);
        }
    }

    private void sudo(List<Field> fields, List<Field> args, int depth) throws UnparseableException {
        CommandOptions o = CommandOptions.parse(args, "u|g|h|p|C|D|r|t|U|T|user|group|host|prompt|close-from|chdir|role|type|other-user|command-timeout", true);
        record(fields);
        if (o.has("e") || o.has("edit")) {
            o.operands.forEach(f -> {
                write(f);
                read(f);
            });
            return;
        }
        if (o.operands.isEmpty()) {
            if (o.has("i") || o.has("s") || o.has("login") || o.has("shell")) {
                opaque(join(fields), "an interactive shell reads its commands as it runs");
            }
            return;
        }
        Set<String> saved = cwds;
        if (o.has("i") || o.has("login")) {
            setCwds(null); // a login shell starts in the target user's home
        }
        o.values("D", "chdir").forEach(dir -> setCwds(directories(dir)));
        command(o.operands, depth, Optional.empty());
        cwds = saved;
    }

    private void wrapper(List<Field> fields, List<Field> args, String valueOptions, int depth, Optional<String> stdin)
            throws UnparseableException {
        CommandOptions o = CommandOptions.parse(args, valueOptions, true);
        record(fields);
        if (o.operands.isEmpty()) {
            if (fields.get(0).text().equals("doas") && o.has("s")) {
                opaque(join(fields), "an interactive shell reads its commands as it runs");
            }
            return;
        }
        command(o.operands, depth, stdin);
    }

    private void env(List<Field> fields, List<Field> args, int depth, Optional<String> stdin) throws UnparseableException {
        CommandOptions o = CommandOptions.parse(args, "u|unset|C|chdir|S|split-string|P|a|argv0|block-signal|default-signal|ignore-signal", true);
        record(fields);
        List<Field> rest = o.operands;
        int assignments = 0;
        while (assignments < rest.size() && rest.get(assignments).text().matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
            String variable = rest.get(assignments).text().substring(0, rest.get(assignments).text().indexOf('='));
            if (CODE_VARIABLES.contains(variable)) {
                opaque(join(fields), "setting " + variable + " changes what runs");
                return;
            }
            assignments++;
        }
        List<Field> split = o.values("S", "split-string");
        Set<String> saved = cwds;
        o.values("C", "chdir").forEach(dir -> setCwds(directories(dir)));
        if (!split.isEmpty()) {
            shellText(split, fields, depth);
        } else {
            command(rest.subList(assignments, rest.size()), depth, stdin);
        }
        cwds = saved;
    }

    private void flock(List<Field> fields, List<Field> args, int depth, Optional<String> stdin) throws UnparseableException {
        CommandOptions o = CommandOptions.parse(args, "w|timeout|E|conflict-exit-code|c|command", true);
        record(fields);
        if (o.operands.isEmpty()) {
            return;
        }
        Field lock = o.operands.get(0);
        if (!lock.text().matches("\\d+")) {
            write(lock); // the lock file is created when missing
        }
        List<Field> code = new ArrayList<>(o.values("c", "command"));
        List<Field> rest = o.operands.subList(1, o.operands.size());
        if (code.isEmpty() && rest.size() > 1 && (rest.get(0).text().equals("-c") || rest.get(0).text().equals("--command"))) {
            code.add(rest.get(1)); // flock FILE -c COMMAND
        }
        if (!code.isEmpty()) {
            shellText(code, fields, depth);
        } else if (!rest.isEmpty()) {
            command(rest, depth, stdin);
        }
    }

    private void su(List<Field> fields, List<Field> args, int depth) throws UnparseableException {
        CommandOptions o = CommandOptions.parse(args, "c|command|s|shell|g|group|G|supp-group|w|whitelist-environment|session-command", false);
        record(fields);
        List<Field> shells = o.values("s", "shell");
        if (!shells.isEmpty() && !POSIX_SHELLS.contains(basename(shells.get(0).text()))) {
            opaque(join(fields), "su runs its command with a shell this analyser does not parse");
            return;
        }
        List<Field> code = new ArrayList<>(o.values("c", "command"));
        code.addAll(o.values("session-command"));
        if (code.isEmpty()) {
            opaque(join(fields), "an interactive shell reads its commands as it runs");
            return;
        }
        Set<String> saved = cwds;
        if (o.has("l") || o.has("login") || o.operands.stream().anyMatch(f -> f.text().equals("-"))) {
            setCwds(null);
        }
        shellText(code, fields, depth);
        cwds = saved;
    }

    /** Text a program hands to {@code sh -c}: analysed as a command line of its own when it is known. */
    private void shellText(List<Field> words, List<Field> fields, int depth) throws UnparseableException {
        if (words.stream().anyMatch(Field::dynamic)) {
            opaque(join(fields), "the shell code is only known when it runs");
            return;
        }
        line(join(words), depth + 1);
    }

    private void shell(List<Field> fields, List<Field> args, int depth, Optional<String> stdin) throws UnparseableException {
        record(fields);
        boolean inline = false;
        boolean fromStdin = false;
        int i = 0;
        while (i < args.size()) {
            String a = args.get(i).text();
            if (a.equals("--") || a.equals("-")) {
                i++;
                break;
            }
            if (a.equals("-o") || a.equals("+o") || a.equals("-O") || a.equals("+O") || a.equals("--rcfile") || a.equals("--init-file")) {
                i += 2;
                continue;
            }
            if (a.startsWith("--")) {
                if (a.equals("--debugger")) {
                    opaque(join(fields), "the debugger runs code of its own");
                    return;
                }
                i++;
                continue;
            }
            if ((a.startsWith("-") || a.startsWith("+")) && a.length() > 1) {
                inline |= a.startsWith("-") && a.indexOf('c') > 0;
                fromStdin |= a.startsWith("-") && a.indexOf('s') > 0;
                if (a.endsWith("o") || a.endsWith("O")) {
                    i++; // -eo pipefail: the last letter takes the next word
                }
                i++;
                continue;
            }
            break;
        }
        List<Field> operands = args.subList(Math.min(i, args.size()), args.size());
        if (inline) {
            if (operands.isEmpty()) {
                throw new UnparseableException(fields.get(0).text() + " -c without a command");
            }
            if (operands.get(0).dynamic()) {
                opaque(join(fields), "the shell code is only known when it runs");
                return;
            }
            line(operands.get(0).text(), depth + 1);
            return;
        }
        if (operands.isEmpty() || fromStdin || isStdin(operands.get(0))) {
            if (stdin.isPresent() && (operands.isEmpty() || fromStdin || operands.get(0).text().equals("/dev/stdin"))) {
                line(stdin.get(), depth + 1);
            } else {
                opaque(join(fields), "the shell reads its commands from its input");
            }
            return;
        }
        scriptFile(operands.get(0), fields);
    }

    /** A script file runs as a program (the sandbox confines it) and is read. */
    private void scriptFile(Field file, List<Field> fields) {
        read(file);
        if (!collecting) {
            programs.add(Value.of(join(fields)));
        }
    }

    private static boolean isStdin(Field file) {
        String t = file.text();
        return file.dynamic() || t.startsWith("<(") || t.equals("/dev/stdin") || t.startsWith("/dev/fd/") || t.startsWith("/proc/");
    }

    private void source(List<Field> fields, List<Field> args, int depth, Optional<String> stdin) throws UnparseableException {
        record(fields);
        if (args.isEmpty()) {
            return;
        }
        Field file = args.get(0);
        if (isStdin(file)) {
            if (stdin.isPresent() && file.text().equals("/dev/stdin")) {
                line(stdin.get(), depth + 1);
            } else {
                opaque(join(fields), "it runs commands only known when it runs");
            }
            return;
        }
        scriptFile(file, fields);
    }

    private void trap(List<Field> fields, List<Field> args) {
        record(fields);
        CommandOptions o = CommandOptions.parse(args, "", false);
        if (o.has("p") || o.has("l") || o.operands.isEmpty()) {
            return;
        }
        Field action = o.operands.get(0);
        if (action.dynamic()) {
            opaque(join(fields), "the trap runs code only known when it runs");
        } else if (!action.text().equals("-") && !action.text().isEmpty() && o.operands.size() > 1) {
            traps.add(action.text());
        }
    }

    /** A trap runs later, wherever the line has moved to by then: every directory it visited. */
    private void runTraps() throws UnparseableException {
        List<String> pending = List.copyOf(traps);
        traps.clear();
        Set<String> saved = cwds;
        Set<String> visited = new LinkedHashSet<>(everyCwd);
        if (initialCwd != null) {
            visited.add(initialCwd);
        }
        cwds = visited.isEmpty() || cwds == null ? null : visited;
        for (String trap : pending) {
            line(trap, 1);
        }
        cwds = saved;
    }

    private void declare(List<Field> fields, List<Field> args) {
        record(fields);
        CommandOptions o = CommandOptions.parse(args, "", false);
        if (o.has("n")) {
            opaque(join(fields), "a name reference makes one variable stand for another");
            return;
        }
        for (Field operand : o.operands) {
            int eq = operand.text().indexOf('=');
            String name = eq > 0 ? operand.text().substring(0, eq) : operand.text();
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                continue;
            }
            if (CODE_VARIABLES.contains(name) && eq > 0) {
                opaque(join(fields), "setting " + name + " changes what runs");
            }
            if (collecting && eq > 0) {
                variables.assign(name, operand.dynamic() ? null : List.of(new Field(operand.text().substring(eq + 1), false, false)));
            }
        }
    }

    private void xargs(List<Field> fields, List<Field> args, int depth) throws UnparseableException {
        record(fields);
        CommandOptions o = CommandOptions.parse(args, "a|arg-file|d|delimiter|E|I|L|n|max-args|P|max-procs|s|max-chars|process-slot-var", true);
        o.values("a", "arg-file").forEach(this::read);
        List<Field> inner = o.operands.isEmpty() ? List.of(Field.literal("echo")) : o.operands;
        String replace = o.values("I").stream().map(Field::text).findFirst().orElse(null);
        if (replace == null && (o.has("i") || o.has("replace"))) {
            replace = o.attached("i", "replace").orElse("{}");
        }
        // A file name spliced into shell or interpreter code could be code itself: only plain arguments take the known paths.
        Field input = pipeInput != null && !runsCode(inner) ? pipeInput : new Field("${input}", true, false);
        List<Field> command = new ArrayList<>();
        if (replace != null) {
            for (Field f : inner) {
                command.add(f.text().contains(replace) ? new Field(f.text().replace(replace, input.text()), input.dynamic(), input.glob()) : f);
            }
        } else {
            command.addAll(inner);
            command.add(input);
        }
        command(command, depth, Optional.empty());
    }

    /** {@code claude mcp add NAME ...} and {@code add-json NAME JSON} add an MCP server; every other use is a program. */
    private void claudeCli(List<Field> fields, List<Field> args) {
        if (args.size() < 2 || !args.get(0).text().equals("mcp") || !args.get(1).text().startsWith("add")) {
            program(fields);
            return;
        }
        record(fields);
        String sub = args.get(1).text();
        CommandOptions o = CommandOptions.parse(args.subList(2, args.size()), "s|scope|t|transport|e|env|H|header|client-id|client-secret|callback-port", false);
        List<Field> names = o.operands.stream().filter(f -> !f.text().matches("[A-Za-z_][A-Za-z0-9_]*=.*")).toList();
        if (sub.equals("add-from-claude-desktop") || names.isEmpty() || names.get(0).dynamic()) {
            if (!collecting) {
                mcpServers.add(Value.opaque("`" + join(fields) + "`: cannot tell which MCP servers it adds"));
            }
        } else if (!collecting) {
            mcpServers.add(Value.of(names.get(0).text()));
        }
        // the CLI then writes the server into .mcp.json or ~/.claude.json itself: the server it adds is what is judged
    }

    // ---------------------------------------------------------------- programs and their effects

    /** A program whose behaviour is not on the command line: recorded, its URL operands contacted, confined by the sandbox. */
    private void program(List<Field> fields) {
        record(fields);
        if (!collecting) {
            programs.add(Value.of(join(fields)));
        }
        for (int i = 1; i < fields.size(); i++) {
            Field f = fields.get(i);
            contactUrl(f.text());
            if (i + 1 < fields.size() && (POSIX_SHELLS.contains(basename(f.text())) || OTHER_SHELLS.contains(basename(f.text())))
                    && fields.get(i + 1).text().matches("-[a-zA-Z]*c[a-zA-Z]*")) {
                opaque(join(fields), "a program hands " + f.text() + " -c code this analyser cannot attribute");
                return;
            }
        }
    }

    private void effects(String name, List<Field> fields, List<Field> args, int depth) throws UnparseableException {
        switch (name) {
            case "rm", "rmdir", "unlink", "shred", "mkdir", "mkfifo" -> {
                record(fields);
                CommandOptions o = CommandOptions.parse(args, name.equals("mkdir") || name.equals("mkfifo") ? "m|mode|Z|context" : name.equals("shred") ? "n|iterations|s|size|random-source" : "", false);
                boolean recursive = o.has("r") || o.has("R") || o.has("recursive");
                boolean parents = name.equals("mkdir") && (o.has("p") || o.has("parents"));
                o.operands.forEach(f -> {
                    write(f);
                    if (recursive) {
                        write(under(f));
                    }
                    if (parents && !f.text().startsWith("/")) {
                        // mkdir -p creates the missing directories on the way (those below the working directory)
                        for (int slash = f.text().indexOf('/'); slash > 0; slash = f.text().indexOf('/', slash + 1)) {
                            write(new Field(f.text().substring(0, slash), f.dynamic(), f.glob()));
                        }
                    }
                });
            }
            case "touch" -> {
                record(fields);
                CommandOptions o = CommandOptions.parse(args, "d|date|t|r|reference", false);
                o.values("r", "reference").forEach(this::read);
                o.operands.forEach(this::write);
            }
            case "truncate" -> {
                record(fields);
                CommandOptions o = CommandOptions.parse(args, "s|size|r|reference|o|io-blocks", false);
                o.values("r", "reference").forEach(this::read);
                o.operands.forEach(this::write);
            }
            case "tee" -> {
                record(fields);
                CommandOptions.parse(args, "output-error", false).operands.forEach(this::write);
            }
            case "chmod", "chown", "chgrp", "chattr", "setfacl", "chcon" -> {
                record(fields);
                CommandOptions o = CommandOptions.parse(args, name.equals("setfacl") ? "m|x|M|X|set|set-file|modify|remove|modify-file|remove-file" : "from", false);
                boolean reference = args.stream().anyMatch(a -> a.text().startsWith("--reference"));
                boolean recursive = o.has("R") || o.has("recursive");
                List<Field> targets = o.operands.subList(reference || name.equals("setfacl") || o.operands.isEmpty() ? 0 : 1, o.operands.size());
                targets.forEach(f -> {
                    write(f);
                    if (recursive) {
                        write(under(f));
                    }
                });
            }
            case "cp", "mv", "install", "ln" -> copy(name, fields, args);
            case "rsync" -> rsync(fields, args);
            case "scp", "sftp" -> {
                CommandOptions o = CommandOptions.parse(args, "c|D|F|i|J|l|o|P|S|X|b|B", false);
                if (o.values("o").stream().anyMatch(v -> v.text().toLowerCase(Locale.ROOT).matches("(proxycommand|localcommand|permitlocalcommand).*"))
                        || o.has("S") || o.has("D")) {
                    opaque(join(fields), name + " runs a local command given in its options");
                    return;
                }
                record(fields);
                if (name.equals("scp") && !o.operands.isEmpty()) {
                    Field destination = o.operands.get(o.operands.size() - 1);
                    if (remoteHost(destination.text()).isEmpty()) {
                        write(destination);
                        write(under(destination));
                    }
                }
                o.operands.forEach(f -> remoteHost(f.text()).ifPresentOrElse(this::contact, () -> read(f)));
            }
            case "dd" -> {
                record(fields);
                for (Field a : args) {
                    if (a.text().startsWith("of=")) {
                        write(new Field(a.text().substring(3), a.dynamic(), a.glob()));
                    } else if (a.text().startsWith("if=")) {
                        read(new Field(a.text().substring(3), a.dynamic(), a.glob()));
                    }
                }
            }
            case "sed" -> sed(fields, args);
            case "awk", "gawk", "mawk", "nawk", "busybox-awk" -> awk(fields, args);
            case "tar", "bsdtar" -> tar(fields, args);
            case "unzip" -> {
                record(fields);
                CommandOptions o = CommandOptions.parse(args, "d|x|P|O|I", false);
                if (!o.has("p") && !o.has("l") && !o.has("t") && !o.has("v") && !o.has("Z")) {
                    List<Field> dirs = o.values("d");
                    write(under(dirs.isEmpty() ? Field.literal(".") : dirs.get(dirs.size() - 1)));
                }
                o.operands.stream().limit(1).forEach(this::read);
            }
            case "zip" -> {
                CommandOptions o = CommandOptions.parse(args, "b|n|t|tt|x|i|P|O|s|sp|Z|TT|unzip-command|ds|db", false);
                if (o.has("TT") || o.has("unzip-command")) {
                    opaque(join(fields), "zip runs the test command it is given");
                    return;
                }
                record(fields);
                if (!o.operands.isEmpty()) {
                    write(o.operands.get(0));
                    o.operands.subList(1, o.operands.size()).forEach(this::read);
                }
                o.values("O").forEach(this::write);
            }
            case "sort" -> {
                record(fields);
                CommandOptions o = CommandOptions.parse(args, "o|output|k|key|t|field-separator|T|temporary-directory|S|buffer-size|files0-from|batch-size|parallel|compress-program|random-source", false);
                if (!o.values("compress-program").isEmpty()) {
                    opaque(join(fields), "sort runs the compression program it is given");
                    return;
                }
                o.values("o", "output").forEach(this::write);
                // its temporary files go there
                o.values("T", "temporary-directory").forEach(dir -> write(under(dir)));
                o.operands.forEach(this::read);
            }
            case "uniq", "xxd" -> {
                record(fields);
                CommandOptions o = CommandOptions.parse(args, name.equals("uniq") ? "f|s|w|skip-fields|skip-chars|check-chars|group|all-repeated" : "c|g|l|o|s|n|cols|groupsize|len|seek|name", false);
                o.operands.stream().limit(1).forEach(this::read);
                o.operands.stream().skip(1).limit(1).forEach(this::write);
            }
            case "split", "csplit" -> {
                record(fields);
                CommandOptions o = CommandOptions.parse(args, "a|b|C|l|n|t|f|prefix|suffix-length|bytes|line-bytes|lines|number|separator|additional-suffix|filter|b|suffix-format", false);
                if (!o.values("filter").isEmpty()) {
                    opaque(join(fields), "split runs the filter command it is given");
                    return;
                }
                o.operands.stream().limit(1).forEach(this::read);
                Field prefix = name.equals("split") && o.operands.size() > 1 ? o.operands.get(1)
                        : o.values("f", "prefix").stream().findFirst().orElse(Field.literal(name.equals("split") ? "x" : "xx"));
                write(new Field(prefix.text() + "*", prefix.dynamic(), true));
            }
            case "mktemp" -> {
                record(fields);
                CommandOptions o = CommandOptions.parse(args, "p|tmpdir|suffix", false);
                if (!o.has("u") && !o.has("dry-run")) {
                    List<Field> dir = o.values("p", "tmpdir");
                    String template = o.operands.isEmpty() ? "tmp.*" : o.operands.get(0).text().replace('X', '?');
                    write(dir.isEmpty() && !template.contains("/") ? new Field("${TMPDIR}/" + template, true, false)
                            : new Field((dir.isEmpty() ? "" : dir.get(0).text() + "/") + template, dir.stream().anyMatch(Field::dynamic), true));
                }
            }
            case "patch" -> {
                record(fields);
                CommandOptions o = CommandOptions.parse(args, "B|D|F|V|Y|z|d|i|o|p|r|directory|input|output|strip|reject-file|prefix|suffix|backup-if-mismatch|basename-prefix|version-control|quoting-style|merge|get|fuzz", false);
                o.values("i", "input").forEach(this::read);
                o.values("o", "output", "r", "reject-file").forEach(this::write);
                List<Field> dirs = o.values("d", "directory");
                // the files a patch names are only known from its text: every path under where it applies
                if (!o.has("dry-run")) {
                    write(under(dirs.isEmpty() ? Field.literal(".") : dirs.get(0)));
                }
            }
            case "curl" -> curl(fields, args);
            case "wget" -> wget(fields, args);
            case "git" -> git(fields, args, depth);
            case "ssh" -> ssh(fields, args);
            case "nc", "ncat", "netcat", "telnet", "ftp", "socat", "ping", "dig", "nslookup", "host", "whois", "traceroute", "mosh", "redis-cli", "psql", "mysql" -> {
                CommandOptions o = CommandOptions.parse(args, "p|s|w|i|q|x|X|I|h|U|d|P|c|f|e", false);
                if (name.equals("socat") || o.has("e") && (name.equals("nc") || name.equals("ncat")) || o.has("c") && (name.equals("nc") || name.equals("ncat"))) {
                    opaque(join(fields), name + " can run or open what its addresses say");
                    return;
                }
                record(fields);
                List<Field> hostOptions = o.values("h");
                Field target = !hostOptions.isEmpty() ? hostOptions.get(0) : o.operands.isEmpty() ? null : o.operands.get(0);
                if (target != null) {
                    contactField(target, "ssh://");
                }
            }
            case "find", "fd" -> find(fields, args, depth);
            case "jq", "yq" -> {
                record(fields);
                CommandOptions o = CommandOptions.parse(args, "f|from-file|L|arg|argjson|slurpfile|rawfile|indent|args|jsonargs|front-matter|output-format|o|p|input-format", false);
                if (o.has("i") || o.has("inplace")) {
                    o.operands.stream().skip(1).forEach(f -> {
                        write(f);
                        read(f);
                    });
                } else {
                    o.operands.stream().skip(o.values("f", "from-file").isEmpty() ? 1 : 0).forEach(this::read);
                }
            }
            default -> {
                if (COMPRESSORS.contains(name)) {
                    record(fields);
                    CommandOptions o = CommandOptions.parse(args, "S|suffix|b|T|threads|M|memlimit", false);
                    boolean toStdout = o.has("c") || o.has("stdout") || o.has("to-stdout") || o.has("t") || o.has("test") || o.has("l") || o.has("list");
                    for (Field f : o.operands) {
                        read(f);
                        if (!toStdout) {
                            write(f);
                            write(new Field(f.text() + "*", f.dynamic(), true));
                            String stem = f.text().replaceFirst("\\.[A-Za-z0-9]+$", "");
                            if (!stem.equals(f.text())) {
                                write(new Field(stem, f.dynamic(), f.glob()));
                            }
                        }
                    }
                } else if (EDITORS.contains(name)) {
                    opaque(join(fields), "cannot tell what an interactive editor writes (swap files, history, its own commands)");
                } else if (name.equals("sponge")) {
                    record(fields);
                    CommandOptions.parse(args, "", false).operands.forEach(this::write);
                } else if (READERS.contains(name)) {
                    record(fields);
                    CommandOptions o = CommandOptions.parse(args, readerValueOptions(name), false);
                    o.operands.forEach(this::read);
                    if (name.equals("ls") && o.operands.stream().noneMatch(f -> f.dynamic() || f.text().startsWith("/") || f.text().startsWith("~"))) {
                        lastOutput = new Field("*", false, true); // names relative to the working directory
                    }
                } else if (GREPS.contains(name)) {
                    record(fields);
                    CommandOptions o = CommandOptions.parse(args, name.equals("rg") || name.equals("ag")
                            ? "e|f|m|A|B|C|regexp|file|max-count|after-context|before-context|context|g|glob|iglob|t|type|T|type-not|j|threads|max-depth|d|M|max-columns|r|replace|E|encoding|pre|pre-glob|ignore-file|color|colors|type-add|type-clear|sort|sortr|max-filesize|path-separator|dfa-size-limit|regex-size-limit|engine|field-context-separator|field-match-separator|context-separator|hyperlink-format"
                            : "e|f|m|A|B|C|d|D|regexp|file|max-count|after-context|before-context|context|include|exclude|exclude-dir|exclude-from|label|color|colour|binary-files|devices|directories|group-separator", false);
                    if (!o.values("pre").isEmpty()) {
                        opaque(join(fields), name + " runs the preprocessor it is given");
                        return;
                    }
                    o.values("f", "file").forEach(this::read);
                    boolean patternGiven = !o.values("e", "regexp").isEmpty() || !o.values("f", "file").isEmpty();
                    List<Field> files = o.operands.subList(patternGiven || o.operands.isEmpty() ? 0 : 1, o.operands.size());
                    boolean recursive = o.has("r") || o.has("R") || o.has("recursive") || !name.contains("grep");
                    if (files.isEmpty() && recursive) {
                        read(under(Field.literal(".")));
                    }
                    files.forEach(f -> {
                        read(f);
                        if (recursive) {
                            read(under(f));
                        }
                    });
                } else {
                    program(fields);
                }
            }
        }
    }

    private static String readerValueOptions(String name) {
        return switch (name) {
            case "head", "tail" -> "n|c|lines|bytes|s|sleep-interval|pid";
            case "cut" -> "b|c|d|f|bytes|characters|delimiter|fields|output-delimiter";
            case "diff" -> "C|U|D|F|I|L|S|X|x|context|unified|ifdef|label|from-file|to-file|ignore-matching-lines|show-function-line|exclude|exclude-from|starting-file|line-format|horizon-lines|color|palette|width|tabsize";
            case "sort" -> "k|t|o|T|S|key|field-separator";
            case "od", "hexdump" -> "A|j|N|t|w|s|n|e|f";
            case "ls" -> "I|w|T|ignore|hide|width|tabsize|format|sort|time|time-style|color|block-size|quoting-style|indicator-style";
            case "du" -> "d|B|t|max-depth|block-size|threshold|exclude|exclude-from|time-style|files0-from";
            case "tr", "join", "paste", "column" -> "d|t|s|o|j|1|2|e|c|W|N|H|R|l";
            default -> "";
        };
    }

    /**
     * Everything below a directory (recursive writes, extraction, clones): {@code dir/**}. The double star tells policies
     * that this is a directory's subtree, not files the command names.
     */
    private static Field under(Field dir) {
        String text = dir.text().endsWith("/") ? dir.text() + "**" : dir.text() + "/**";
        return new Field(text, dir.dynamic(), true);
    }

    private void copy(String name, List<Field> fields, List<Field> args) {
        String values = name.equals("install") ? "m|mode|o|owner|g|group|S|suffix|t|target-directory|Z|strip-program" : "S|suffix|t|target-directory";
        CommandOptions o = CommandOptions.parse(args, values, false);
        if (name.equals("install") && !o.values("strip-program").isEmpty()) {
            opaque(join(fields), "install runs the strip program it is given");
            return;
        }
        record(fields);
        List<Field> targets = o.values("t", "target-directory");
        List<Field> sources = o.operands;
        boolean directories = name.equals("install") && o.has("d");
        if (directories) {
            o.operands.forEach(this::write);
            return;
        }
        if (!targets.isEmpty()) {
            targets.forEach(t -> {
                write(t);
                write(under(t));
            });
        } else if (name.equals("ln") && o.operands.size() == 1) {
            write(Field.literal(basename(o.operands.get(0).text())));
            return;
        } else if (!o.operands.isEmpty()) {
            Field destination = o.operands.get(o.operands.size() - 1);
            write(destination);
            if (!o.has("T") && !o.has("no-target-directory")) {
                write(under(destination));
            }
            sources = o.operands.subList(0, o.operands.size() - 1);
        }
        if (o.has("b") || args.stream().anyMatch(a -> a.text().startsWith("--backup"))) {
            targets.forEach(t -> write(under(t)));
        }
        if (name.equals("ln")) {
            return; // a link's target is neither read nor written
        }
        boolean recursive = o.has("r") || o.has("R") || o.has("a") || o.has("recursive") || o.has("archive") || name.equals("mv");
        for (Field source : sources) {
            read(source);
            if (recursive) {
                read(under(source));
            }
            if (name.equals("mv")) {
                write(source);
                write(under(source));
            }
        }
    }

    private void rsync(List<Field> fields, List<Field> args) {
        CommandOptions o = CommandOptions.parse(args, "e|rsh|rsync-path|f|filter|exclude|include|exclude-from|include-from|files-from|T|temp-dir|"
                + "compare-dest|copy-dest|link-dest|B|block-size|backup-dir|suffix|chmod|chown|usermap|groupmap|timeout|contimeout|"
                + "address|port|sockopts|out-format|log-file|log-file-format|password-file|bwlimit|stop-after|stop-at|write-batch|"
                + "only-write-batch|read-batch|protocol|iconv|checksum-choice|cc|compress-choice|zc|compress-level|zl|skip-compress|"
                + "max-size|min-size|max-delete|max-alloc|M|remote-option|info|debug|outbuf|partial-dir", false);
        for (Field rsh : o.values("e", "rsh", "rsync-path")) {
            if (rsh.dynamic() || !rsh.text().matches("ssh( +-[a-zA-Z] *[A-Za-z0-9_./=-]*)*")
                    || rsh.text().toLowerCase(Locale.ROOT).contains("proxycommand")) {
                opaque(join(fields), "rsync runs the remote shell command it is given");
                return;
            }
        }
        record(fields);
        o.values("log-file", "write-batch", "only-write-batch").forEach(this::write);
        o.values("files-from", "exclude-from", "include-from", "password-file", "read-batch").forEach(this::read);
        if (o.operands.isEmpty()) {
            return;
        }
        Field destination = o.operands.get(o.operands.size() - 1);
        remoteHost(destination.text()).ifPresentOrElse(this::contact, () -> {
            write(destination);
            write(under(destination));
        });
        for (Field source : o.operands.subList(0, o.operands.size() - 1)) {
            remoteHost(source.text()).ifPresentOrElse(this::contact, () -> {
                read(source);
                read(under(source));
            });
        }
        o.values("backup-dir").forEach(d -> write(under(d)));
    }

    private void sed(List<Field> fields, List<Field> args) {
        CommandOptions o = CommandOptions.parse(args, "e|expression|f|file|l|line-length|s|separate", false);
        o.values("f", "file").forEach(this::read);
        List<Field> scripts = new ArrayList<>(o.values("e", "expression"));
        List<Field> files = o.operands;
        if (scripts.isEmpty() && o.values("f", "file").isEmpty()) {
            if (files.isEmpty()) {
                record(fields);
                return;
            }
            scripts.add(files.get(0));
            files = files.subList(1, files.size());
        }
        boolean sandboxed = o.has("sandbox");
        List<Field> scriptWrites = new ArrayList<>();
        List<Field> scriptReads = new ArrayList<>();
        for (Field script : scripts) {
            if (script.dynamic()) {
                opaque(join(fields), "the sed script is only known when it runs");
                return;
            }
            Optional<String> problem = SedScript.effects(script.text(), scriptWrites, scriptReads);
            if (problem.isPresent() && !sandboxed) {
                opaque(join(fields), problem.get());
                return;
            }
        }
        record(fields);
        if (!sandboxed) {
            scriptWrites.forEach(this::write);
            scriptReads.forEach(this::read);
        }
        boolean inPlace = o.has("i") || o.has("in-place") || args.stream().anyMatch(a -> a.text().matches("-[a-zA-Z]*i.*") || a.text().startsWith("--in-place"));
        for (Field file : files) {
            read(file);
            if (inPlace) {
                write(file);
                write(new Field(file.text() + "*", file.dynamic(), true)); // -i.bak leaves a backup beside it
                String parent = file.text().contains("/") ? file.text().substring(0, file.text().lastIndexOf('/') + 1) : "";
                write(new Field(parent + "sed*", file.dynamic(), true)); // and writes through a temporary file beside it
            }
        }
    }

    private void awk(List<Field> fields, List<Field> args) {
        CommandOptions o = CommandOptions.parse(args, "F|v|f|field-separator|assign|file|i|include|l|load|E|exec|W", false);
        if (!o.values("l", "load", "i", "include", "E", "exec").isEmpty() || args.stream().anyMatch(a -> a.text().startsWith("-W"))) {
            opaque(join(fields), "awk loads code it is given");
            return;
        }
        List<Field> programs = o.values("f", "file");
        programs.forEach(this::read);
        List<Field> operands = o.operands;
        if (programs.isEmpty()) {
            if (operands.isEmpty()) {
                record(fields);
                return;
            }
            Field program = operands.get(0);
            operands = operands.subList(1, operands.size());
            if (program.dynamic() || AwkProgram.runsOrWrites(program.text())) {
                opaque(join(fields), "cannot tell what the awk program runs or writes");
                return;
            }
        } else {
            opaque(join(fields), "cannot tell what the awk program file runs or writes");
            return;
        }
        record(fields);
        operands.stream().filter(f -> !f.text().matches("[A-Za-z_][A-Za-z0-9_]*=.*")).forEach(this::read);
    }

    private void tar(List<Field> fields, List<Field> args) {
        List<Field> normalized = new ArrayList<>(args);
        if (!normalized.isEmpty() && !normalized.get(0).text().startsWith("-") && !normalized.get(0).dynamic()) {
            normalized.set(0, Field.literal("-" + normalized.get(0).text())); // old style: tar xzf file
        }
        CommandOptions o = CommandOptions.parse(normalized, "f|file|C|directory|b|blocking-factor|T|files-from|X|exclude-from|g|listed-incremental|"
                + "K|starting-file|L|tape-length|N|newer|after-date|V|label|exclude|H|format|transform|xform|strip-components|owner|group|"
                + "mode|mtime|newer-mtime|record-size|suffix|warning|quoting-style|occurrence|backup|level|null|atime-preserve|"
                + "I|use-compress-program|F|info-script|new-volume-script|to-command|checkpoint-action|rsh-command|index-file|volno-file", false);
        if (!o.values("I", "use-compress-program", "F", "info-script", "new-volume-script", "to-command", "checkpoint-action",
                "rsh-command").isEmpty()) {
            opaque(join(fields), "tar runs the program it is given");
            return;
        }
        if (o.has("P") || o.has("absolute-names")) {
            opaque(join(fields), "tar -P extracts to the absolute paths the archive holds");
            return;
        }
        record(fields);
        List<Field> archives = o.values("f", "file");
        boolean create = o.has("c") || o.has("create") || o.has("r") || o.has("append") || o.has("u") || o.has("update") || o.has("A")
                || o.has("catenate") || o.has("delete");
        boolean extract = o.has("x") || o.has("extract") || o.has("get");
        List<Field> dirs = o.values("C", "directory");
        archives.forEach(a -> {
            if (!a.text().equals("-")) {
                if (create) {
                    write(a);
                } else {
                    read(a);
                }
            }
            remoteHost(a.text()).ifPresent(this::contact);
        });
        o.values("T", "files-from", "X", "exclude-from").forEach(this::read);
        o.values("g", "listed-incremental", "index-file").forEach(this::write);
        if (extract) {
            List<Field> into = dirs.isEmpty() ? List.of(Field.literal(".")) : dirs;
            into.forEach(d -> write(under(d)));
            if (o.has("to-stdout") || o.has("O")) {
                return;
            }
        } else if (create) {
            // members are read relative to the directory -C names at that point; every -C is a base
            List<Field> bases = dirs.isEmpty() ? List.of(Field.literal(".")) : dirs;
            for (Field member : o.operands) {
                if (member.text().startsWith("/") || dirs.isEmpty()) {
                    read(member);
                    read(under(member));
                } else {
                    bases.forEach(b -> {
                        Field joined = new Field(b.text() + "/" + member.text(), b.dynamic() || member.dynamic(), member.glob());
                        read(joined);
                        read(under(joined));
                    });
                }
            }
        }
    }

    private void find(List<Field> fields, List<Field> args, int depth) throws UnparseableException {
        record(fields);
        List<Field> roots = new ArrayList<>();
        int i = 0;
        while (i < args.size() && args.get(i).text().matches("-[HLP]|-D|-O\\d*")) {
            i += args.get(i).text().equals("-D") ? 2 : 1;
        }
        boolean fd = fields.get(0).text().equals("fd") || fields.get(0).text().equals("fdfind");
        while (!fd && i < args.size() && !args.get(i).text().startsWith("-") && !args.get(i).text().equals("(") && !args.get(i).text().equals("!")) {
            roots.add(args.get(i));
            i++;
        }
        if (roots.isEmpty()) {
            roots.add(Field.literal("."));
        }
        String name = nameTest(args);
        for (; i < args.size(); i++) {
            String a = args.get(i).text();
            switch (a) {
                case "-delete" -> roots.forEach(r -> {
                    if (name.isEmpty()) {
                        write(r);
                        write(under(r));
                    } else {
                        write(placeholder(Field.literal("{}"), List.of(r), name));
                    }
                });
                case "-fprint", "-fprint0", "-fls", "-fprintf" -> {
                    if (i + 1 < args.size()) {
                        write(args.get(++i));
                    }
                }
                case "-exec", "-execdir", "-ok", "-okdir", "-x", "--exec", "-X", "--exec-batch" -> {
                    List<Field> words = new ArrayList<>();
                    for (i++; i < args.size() && !args.get(i).text().equals(";") && !args.get(i).text().equals("+"); i++) {
                        words.add(args.get(i));
                    }
                    boolean code = runsCode(words);
                    List<Field> inner = new ArrayList<>();
                    for (Field t : words) {
                        inner.add(!t.text().contains("{}") ? t : code ? new Field(t.text().replace("{}", "${found}"), true, false)
                                : a.endsWith("dir") ? new Field(t.text().replace("{}", "./*" + name), false, true) : placeholder(t, roots, name));
                    }
                    if (a.endsWith("dir")) {
                        // -execdir runs in the directory of each file found: the root's parent, the root or any directory below it
                        Set<String> saved = cwds;
                        Set<String> under = new LinkedHashSet<>();
                        for (Field root : roots) {
                            Set<String> dirs = directories(root);
                            if (dirs == null) {
                                under = null;
                                break;
                            }
                            for (String d : dirs) {
                                under.add(parent(d)); // the root itself is found, and it lies in its parent
                                under.add(d);
                                under.add(d.equals("/") ? "/**" : d + "/**");
                            }
                        }
                        setCwds(under);
                        command(inner, depth + 1, Optional.empty());
                        cwds = saved;
                    } else {
                        command(inner, depth + 1, Optional.empty());
                    }
                }
                default -> {
                }
            }
        }
        roots.forEach(r -> {
            read(r);
            read(under(r));
        });
        lastOutput = roots.size() == 1 ? placeholder(Field.literal("{}"), roots, name) : null;
    }

    /** Whether a command treats its arguments as code (a shell's -c, eval, an interpreter). */
    private static boolean runsCode(List<Field> command) {
        if (command.isEmpty()) {
            return false;
        }
        String name = basename(command.get(0).text());
        return POSIX_SHELLS.contains(name) || OTHER_SHELLS.contains(name) || name.equals("eval") || name.equals("env")
                || WRAPPER_VALUE_OPTIONS.containsKey(name) || Interpreters.inline(name, command.subList(1, command.size()))
                || name.equals("sudo") || name.equals("xargs") || name.equals("find");
    }

    /** {@code {}} in find's -exec: a path under the root whose name matches the -name test when there is one. */
    private static Field placeholder(Field word, List<Field> roots, String name) {
        if (roots.size() != 1 || roots.get(0).dynamic()) {
            return new Field(word.text().replace("{}", "${found}"), true, false);
        }
        String root = roots.get(0).text();
        return new Field(word.text().replace("{}", (root.endsWith("/") ? root : root + "/") + "*" + name), false, true);
    }

    /** The -name pattern every found path matches, when the expression is a plain conjunction; "" otherwise. */
    private static String nameTest(List<Field> args) {
        String name = "";
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i).text();
            if (a.equals("-o") || a.equals("-or") || a.equals("!") || a.equals("-not") || a.equals(",")) {
                return "";
            }
            if ((a.equals("-name") || a.equals("-iname")) && i + 1 < args.size() && !args.get(i + 1).dynamic()) {
                String pattern = args.get(i + 1).text();
                if (a.equals("-iname") || pattern.contains("/") || pattern.contains("[")) {
                    return "";
                }
                name = pattern;
            }
        }
        return name;
    }

    private void curl(List<Field> fields, List<Field> args) {
        CommandOptions o = CommandOptions.parse(args, "o|output|K|config|d|data|data-ascii|data-binary|data-raw|data-urlencode|F|form|form-string|"
                + "H|header|X|request|u|user|A|user-agent|e|referer|b|cookie|c|cookie-jar|D|dump-header|T|upload-file|w|write-out|x|proxy|"
                + "U|proxy-user|m|max-time|connect-timeout|retry|retry-delay|retry-max-time|r|range|z|time-cond|E|cert|key|cacert|capath|"
                + "resolve|connect-to|output-dir|trace|trace-ascii|stderr|url|Y|speed-limit|y|speed-time|limit-rate|max-filesize|"
                + "interface|local-port|proxy-header|preproxy|socks4|socks4a|socks5|socks5-hostname|json|variable|expand-url|"
                + "unix-socket|abstract-unix-socket|netrc-file|C|continue-at|Q|quote|P|ftp-port|t|telnet-option|oauth2-bearer|"
                + "aws-sigv4|doh-url|dns-servers|hsts|alt-svc|etag-save|etag-compare|libcurl|krb|cert-type|key-type|pass|ciphers|"
                + "tls-max|max-redirs|happy-eyeballs-timeout-ms|keepalive-time|ignore-content-length|mail-from|mail-rcpt|mail-auth|"
                + "login-options|sasl-authzid|service-name|proto|proto-redir|proto-default|request-target|url-query", false);
        if (!o.values("K", "config", "variable", "expand-url").isEmpty()) {
            opaque(join(fields), "a curl config file or variable decides what curl writes and contacts");
            return;
        }
        record(fields);
        o.values("o", "output", "c", "cookie-jar", "D", "dump-header", "trace", "trace-ascii", "stderr", "libcurl", "etag-save", "hsts", "alt-svc")
                .stream().filter(f -> !f.text().equals("-")).forEach(this::write);
        List<Field> outputDir = o.values("output-dir");
        if (o.has("O") || o.has("remote-name") || o.has("remote-name-all") || o.has("J")) {
            write(under(outputDir.isEmpty() ? Field.literal(".") : outputDir.get(0)));
        }
        if (o.has("create-dirs")) {
            o.values("o", "output").forEach(f -> write(new Field(f.text(), f.dynamic(), f.glob())));
        }
        for (Field data : o.values("d", "data", "data-ascii", "data-binary", "data-urlencode", "json", "T", "upload-file", "F", "form",
                "b", "cookie", "E", "cert", "key", "cacert", "netrc-file", "H", "header")) {
            String t = data.text();
            int at = t.indexOf('@');
            if (data.text().equals("-") || at < 0) {
                if (o.values("T", "upload-file").contains(data) || o.values("b", "cookie").contains(data) && !t.contains("=")
                        || o.values("E", "cert", "key", "cacert", "netrc-file").contains(data)) {
                    read(data);
                }
                continue;
            }
            String file = t.substring(at + 1).replaceFirst(";.*$", "");
            if (!file.isEmpty() && !file.equals("-")) {
                read(new Field(file, data.dynamic(), data.glob()));
            }
        }
        if (!o.values("resolve", "connect-to", "x", "proxy", "preproxy", "socks4", "socks4a", "socks5", "socks5-hostname", "doh-url",
                "unix-socket", "abstract-unix-socket").isEmpty()) {
            for (Field proxy : o.values("x", "proxy", "preproxy", "socks4", "socks4a", "socks5", "socks5-hostname", "doh-url")) {
                contactField(proxy, "http://");
            }
            if (!o.values("resolve", "connect-to", "unix-socket", "abstract-unix-socket").isEmpty()) {
                opaque(join(fields), "curl --resolve or --connect-to sends the request to another address");
                return;
            }
        }
        List<Field> urls = new ArrayList<>(o.operands);
        urls.addAll(o.values("url"));
        urls.forEach(u -> contactField(u, "http://"));
    }

    private void wget(List<Field> fields, List<Field> args) {
        CommandOptions o = CommandOptions.parse(args, "O|output-document|o|output-file|a|append-output|P|directory-prefix|i|input-file|e|execute|"
                + "t|tries|T|timeout|w|wait|U|user-agent|header|user|password|http-user|http-password|post-data|post-file|body-data|"
                + "body-file|method|load-cookies|save-cookies|certificate|private-key|ca-certificate|ca-directory|B|base|Q|quota|"
                + "limit-rate|l|level|A|accept|R|reject|D|domains|exclude-domains|I|include-directories|X|exclude-directories|"
                + "bind-address|config|referer|dns-timeout|connect-timeout|read-timeout|waitretry|restrict-file-names|"
                + "default-page|cut-dirs|warc-file|use-askpass", false);
        if (!o.values("e", "execute", "config", "use-askpass").isEmpty() || !o.values("i", "input-file").isEmpty()) {
            opaque(join(fields), "wget's -e, --config or -i decide what it writes and contacts");
            return;
        }
        record(fields);
        List<Field> documents = o.values("O", "output-document");
        documents.stream().filter(f -> !f.text().equals("-")).forEach(this::write);
        o.values("o", "output-file", "a", "append-output", "save-cookies", "warc-file").forEach(this::write);
        o.values("post-file", "body-file", "load-cookies", "certificate", "private-key").forEach(this::read);
        if (!o.has("no-hsts")) {
            write(Field.literal(home + "/.wget-hsts")); // wget keeps its HSTS database in the home directory
        }
        if (documents.isEmpty()) {
            List<Field> prefix = o.values("P", "directory-prefix");
            write(under(prefix.isEmpty() ? Field.literal(".") : prefix.get(0)));
        }
        o.operands.forEach(u -> contactField(u, "http://"));
    }

    private void ssh(List<Field> fields, List<Field> args) {
        CommandOptions o = CommandOptions.parse(args, "B|b|c|D|E|e|F|I|i|J|L|l|m|O|o|p|Q|R|S|W|w", true);
        boolean localCommand = o.values("o").stream().anyMatch(v -> v.dynamic()
                || v.text().toLowerCase(Locale.ROOT).replace(" ", "").matches("(proxycommand|localcommand|permitlocalcommand|knownhostscommand).*"));
        if (localCommand) {
            opaque(join(fields), "ssh runs a local command given in its options");
            return;
        }
        record(fields);
        o.values("E").forEach(this::write);
        o.values("i", "F").forEach(this::read);
        if (!o.operands.isEmpty()) {
            contactField(o.operands.get(0), "ssh://");
        }
        o.values("J").forEach(j -> contactField(j, "ssh://"));
    }

    private void git(List<Field> fields, List<Field> args, int depth) {
        int i = 0;
        Set<String> saved = cwds;
        try {
            while (i < args.size() && args.get(i).text().startsWith("-")) {
                String a = args.get(i).text();
                if (a.equals("-C") && i + 1 < args.size()) {
                    setCwds(directories(args.get(i + 1)));
                    i += 2;
                } else if (a.equals("-c") && i + 1 < args.size()) {
                    if (args.get(i + 1).dynamic() || GitConfig.runsCommands(args.get(i + 1).text())) {
                        opaque(join(fields), "git -c " + args.get(i + 1).text() + " makes git run a command");
                        return;
                    }
                    i += 2;
                } else if (a.startsWith("--exec-path=") || a.startsWith("--config-env") || a.equals("--exec-path") && i + 1 < args.size()
                        && !args.get(i + 1).text().startsWith("-")) {
                    opaque(join(fields), "git " + a + " decides which programs git runs");
                    return;
                } else if (a.equals("--git-dir") || a.equals("--work-tree") || a.equals("--namespace") || a.equals("--super-prefix")
                        || a.equals("--list-cmds") || a.equals("--attr-source")) {
                    i += 2;
                } else {
                    i++;
                }
            }
            record(fields);
            if (i >= args.size()) {
                return;
            }
            String sub = args.get(i).text();
            List<Field> rest = args.subList(i + 1, args.size());
            boolean remotes = GIT_REMOTE_SUBCOMMANDS.contains(sub);
            for (Field f : rest) {
                if (f.text().startsWith("ext::") || f.text().startsWith("fd::")) {
                    opaque(join(fields), "git's " + f.text().substring(0, f.text().indexOf(':')) + ":: transport runs a command");
                    return;
                }
                if (remotes) {
                    if (f.dynamic()) {
                        contactField(f, "ssh://");
                    }
                    contactUrl(f.text());
                    gitRemote(f.text()).ifPresent(this::contact);
                }
            }
            switch (sub) {
                case "clone" -> {
                    CommandOptions o = CommandOptions.parse(rest, "o|origin|b|branch|u|upload-pack|template|reference|reference-if-able|separate-git-dir|"
                            + "depth|shallow-since|shallow-exclude|c|config|j|jobs|filter|server-option|bundle-uri|ref-format", false);
                    if (!o.values("u", "upload-pack").isEmpty() || o.values("c", "config").stream().anyMatch(c -> c.dynamic()
                            || GitConfig.runsCommands(c.text())) || !o.values("template").isEmpty()) {
                        opaque(join(fields), "git clone is told to run a command");
                        return;
                    }
                    if (o.operands.size() >= 2) {
                        write(o.operands.get(1));
                        write(under(o.operands.get(1)));
                    } else if (o.operands.size() == 1) {
                        String name = o.operands.get(0).text().replaceFirst("/+$", "").replaceFirst("\\.git$", "");
                        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf(':')) + 1);
                        Field dir = new Field(name.isEmpty() ? "${repository}" : name, name.isEmpty() || o.operands.get(0).dynamic(), false);
                        write(dir);
                        write(under(dir));
                    }
                    o.values("separate-git-dir").forEach(d -> write(under(d)));
                }
                case "config" -> {
                    boolean writesOutside = rest.stream().anyMatch(f -> f.text().equals("--global") || f.text().equals("--system")
                            || f.text().equals("--file") || f.text().equals("-f") || f.text().startsWith("--file="));
                    if (rest.stream().anyMatch(f -> f.dynamic() || GitConfig.runsCommands(f.text() + "="))) {
                        opaque(join(fields), "this git setting makes git run a command");
                    } else if (writesOutside) {
                        write(Field.literal(rest.stream().anyMatch(f -> f.text().equals("--system")) ? "/etc/gitconfig" : home + "/.gitconfig"));
                    }
                }
                case "init" -> {
                    CommandOptions o = CommandOptions.parse(rest, "template|separate-git-dir|b|initial-branch|object-format|ref-format|shared", false);
                    if (!o.values("template").isEmpty()) {
                        opaque(join(fields), "git init copies hooks from a template");
                        return;
                    }
                    Field dir = o.operands.isEmpty() ? Field.literal(".") : o.operands.get(0);
                    write(dir);
                    write(under(dir));
                }
                case "worktree" -> {
                    if (!rest.isEmpty() && rest.get(0).text().equals("add")) {
                        CommandOptions o = CommandOptions.parse(rest.subList(1, rest.size()), "b|B|reason", false);
                        if (!o.operands.isEmpty()) {
                            write(o.operands.get(0));
                            write(under(o.operands.get(0)));
                        }
                    }
                }
                case "archive", "bundle", "format-patch", "diff", "log", "show" -> {
                    CommandOptions o = CommandOptions.parse(rest, "o|output|output-directory|format|prefix|remote|exec", false);
                    if (!o.values("exec").isEmpty()) {
                        opaque(join(fields), "git " + sub + " --exec runs a command");
                        return;
                    }
                    o.values("output").forEach(this::write);
                    if (sub.equals("format-patch")) {
                        o.values("o", "output-directory").forEach(d -> write(under(d)));
                    } else if (sub.equals("archive")) {
                        o.values("o").forEach(this::write);
                    } else if (sub.equals("bundle") && o.operands.size() >= 2 && o.operands.get(0).text().equals("create")) {
                        write(o.operands.get(1));
                    }
                }
                case "submodule", "filter-branch", "rebase", "bisect" -> {
                    if (rest.stream().anyMatch(f -> f.text().equals("--exec") || f.text().equals("-x") || f.text().startsWith("--exec=")
                            || f.text().equals("foreach") || f.text().startsWith("--tree-filter") || f.text().startsWith("--index-filter")
                            || f.text().startsWith("--msg-filter") || f.text().startsWith("--env-filter") || f.text().equals("run"))) {
                        opaque(join(fields), "git " + sub + " runs the command it is given");
                    }
                }
                case "ls-files" -> lastOutput = new Field("*", false, true);
                default -> {
                    // every other subcommand works inside its repository: confined by the sandbox like any program
                }
            }
        } finally {
            cwds = saved;
        }
    }

    private static Optional<String> gitRemote(String word) {
        if (word.contains("://") || word.chars().anyMatch(Character::isWhitespace)) {
            return Optional.empty();
        }
        return remoteHost(word).filter(h -> word.contains("@") || word.contains(":"));
    }

    private void contact(String hostName) {
        if (!collecting) {
            host("ssh://" + hostName, hosts);
        }
    }

    private void contactField(Field field, String defaultScheme) {
        if (collecting) {
            return;
        }
        if (field.dynamic()) {
            hosts.add(Value.opaque("the host in " + field.text() + ", only known when the command runs"));
            return;
        }
        String t = field.text();
        if (t.contains("://")) {
            host(t, hosts);
        } else if (defaultScheme.equals("ssh://")) {
            host("ssh://" + (t.contains("@") ? t.substring(t.indexOf('@') + 1) : t), hosts);
        } else if (!t.isEmpty() && !t.startsWith("/") && !t.startsWith(".")) {
            host(defaultScheme + t, hosts);
        }
    }

    /** {@code host:path} or {@code user@host:path} as scp, rsync and git write a remote location. */
    private static Optional<String> remoteHost(String operand) {
        int colon = operand.indexOf(':');
        int slash = operand.indexOf('/');
        if (colon <= 0 || (slash >= 0 && slash < colon) || operand.contains("://")) {
            return Optional.empty();
        }
        String host = operand.substring(0, colon);
        host = host.substring(host.indexOf('@') + 1);
        return host.isEmpty() ? Optional.empty() : Optional.of(host);
    }

    /** The host of a URL-like word ({@code https://x.example.com/...}), lower-cased, without user, port or trailing dot. */
    static Optional<Value> host(String word) {
        int scheme = word.indexOf("://");
        if (scheme <= 0 || !word.substring(0, scheme).chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')) {
            return Optional.empty();
        }
        String rest = word.substring(scheme + 3);
        int end = rest.length();
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            // browsers and fetch libraries end the authority at '\' as at '/' (WHATWG URL for special schemes)
            if (c == '/' || c == '?' || c == '#' || c == '\\') {
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
            return Optional.empty();
        }
        if (authority.contains("${") || authority.contains("$(") || authority.contains("`")) {
            return Optional.of(Value.opaque("the host " + authority + ", only known when the command runs"));
        }
        try {
            return Optional.of(Value.of(java.net.IDN.toASCII(authority, java.net.IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.of(Value.opaque("the host " + authority + ", which is not a valid name"));
        }
    }

    private static String basename(String command) {
        int slash = command.lastIndexOf('/');
        return slash < 0 ? command : command.substring(slash + 1);
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    private static String join(List<Field> words) {
        StringBuilder text = new StringBuilder();
        for (Field w : words) {
            if (text.length() > 0) {
                text.append(' ');
            }
            text.append(w.text());
        }
        return text.toString();
    }
}
