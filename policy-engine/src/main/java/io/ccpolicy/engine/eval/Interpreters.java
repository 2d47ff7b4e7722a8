package io.ccpolicy.engine.eval;

import io.ccpolicy.engine.eval.ShellAnalyzer.Field;
import java.util.List;
import java.util.Set;

/**
 * Language interpreters given their program on the command line ({@code python3 -c}, {@code node -e}, {@code perl -ne})
 * or on their input: the program is right there, but what it writes, reads or contacts cannot be read from it.
 * With a script file they are programs like any other.
 */
final class Interpreters {

    private static final Set<String> STDIN_PROGRAMS = Set.of("python", "pypy", "node", "nodejs", "perl", "ruby", "php", "lua", "luajit",
            "tclsh", "wish", "irb", "jshell", "R", "julia", "guile", "racket", "sbcl", "clisp", "ghci", "erl", "iex", "bun", "deno");

    private Interpreters() {
    }

    static boolean inline(String name, List<Field> args) {
        int end = name.length();
        while (end > 0 && (Character.isDigit(name.charAt(end - 1)) || name.charAt(end - 1) == '.')) {
            end--;
        }
        String base = name.substring(0, end);
        return switch (base) {
            case "python", "pypy" -> scan(args, "c", "WXQ", "", "m", false);
            case "node", "nodejs" -> longInline(args, Set.of("--eval", "--print", "-e", "-p", "-pe", "-i", "--interactive"))
                    || scan(args, "ep", "r", "", "", args.stream().anyMatch(a -> Set.of("--test", "--run", "-v", "--version", "-h", "--help").contains(a.text())));
            case "bun" -> longInline(args, Set.of("-e", "--eval", "-p", "--print"));
            case "deno" -> !args.isEmpty() && (args.get(0).text().equals("eval") || args.get(0).text().equals("repl")) || args.isEmpty();
            case "perl" -> scan(args, "eE", "IMm", "iFlCdDx0", "", args.stream().anyMatch(a -> a.text().equals("-v") || a.text().equals("-V")));
            case "ruby" -> scan(args, "e", "rICE", "FixK0TW", "", args.stream().anyMatch(a -> a.text().equals("-v") || a.text().equals("--version")));
            case "php" -> longInline(args, Set.of("-r", "--run", "-R", "--process-code", "-B", "--process-begin", "-E", "--process-end", "-a",
                    "--interactive")) || args.isEmpty();
            case "lua", "luajit" -> scan(args, "e", "l", "", "", false);
            case "Rscript", "osascript", "groovy", "scala", "elixir", "julia" -> longInline(args, Set.of("-e", "-E", "--eval", "--print", "-expr"));
            case "expect" -> longInline(args, Set.of("-c")) || args.isEmpty();
            case "gdb", "lldb" -> longInline(args, Set.of("-ex", "--eval-command", "-x", "--command", "-iex", "-o", "--one-line", "-s", "--source"));
            case "sqlite", "sqlite3", "duckdb" -> args.stream().anyMatch(a -> a.text().contains(".shell") || a.text().contains(".system")
                    || a.text().contains(".output") || a.text().contains(".once") || a.text().contains(".load") || a.text().contains(".import"));
            default -> STDIN_PROGRAMS.contains(base) && args.isEmpty();
        };
    }

    private static boolean longInline(List<Field> args, Set<String> options) {
        return args.stream().anyMatch(a -> options.contains(a.text()) || a.text().contains("=") && options.contains(a.text().substring(0, a.text().indexOf('='))));
    }

    /**
     * Reads options up to the first operand: a bundle holding one of {@code inline} letters runs code from the command
     * line; a letter of {@code valued} takes the rest of the bundle or the next word, one of {@code attached} only the rest of
     * the bundle ({@code perl -i.bak}); a letter of {@code program} names a
     * module to run (a program). No operand at all means the program comes from the input, unless {@code noProgramNeeded}.
     */
    private static boolean scan(List<Field> args, String inline, String valued, String attached, String program, boolean noProgramNeeded) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i).text();
            if (a.equals("-")) {
                return true;
            }
            if (a.equals("--") || !a.startsWith("-") || args.get(i).dynamic()) {
                return a.equals("--") && i + 1 >= args.size();
            }
            if (a.startsWith("--")) {
                continue;
            }
            for (int c = 1; c < a.length(); c++) {
                char letter = a.charAt(c);
                if (inline.indexOf(letter) >= 0) {
                    return true;
                }
                if (program.indexOf(letter) >= 0) {
                    return false;
                }
                if (valued.indexOf(letter) >= 0) {
                    if (c == a.length() - 1) {
                        i++;
                    }
                    break;
                }
                if (attached.indexOf(letter) >= 0) {
                    break;
                }
            }
        }
        return !noProgramNeeded;
    }
}
