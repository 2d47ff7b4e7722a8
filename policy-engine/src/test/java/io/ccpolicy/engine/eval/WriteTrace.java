package io.ccpolicy.engine.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code strace -f -y} output for the paths a process tree wrote or tried to write: files opened for writing,
 * created, removed, renamed, linked, truncated or re-moded. An attempt refused by a read-only file system or a permission
 * counts (on a developer's machine it would have written); one that failed because nothing was there does not.
 */
final class WriteTrace {

    private static final Pattern LINE = Pattern.compile("^(\\d+)\\s+(.*)$");
    private static final Pattern CALL = Pattern.compile("^([a-z0-9_]+)\\((.*)\\)\\s+=\\s+(-?\\d+|\\?)(.*)$");
    private static final Set<String> COUNTED_ERRORS = Set.of("EROFS", "EACCES", "EPERM", "EDQUOT", "ENOSPC", "ETXTBSY", "EBUSY");

    private WriteTrace() {
    }

    static Set<String> writes(List<String> lines, String initialCwd) {
        Map<Integer, String> cwd = new HashMap<>();
        Map<Integer, String> unfinished = new HashMap<>();
        Set<String> written = new LinkedHashSet<>();
        Integer first = null;
        for (String raw : lines) {
            Matcher line = LINE.matcher(raw);
            if (!line.matches()) {
                continue;
            }
            int pid = Integer.parseInt(line.group(1));
            if (first == null) {
                first = pid;
                cwd.put(pid, initialCwd);
            }
            String text = line.group(2);
            if (text.endsWith("<unfinished ...>")) {
                unfinished.put(pid, text.substring(0, text.length() - "<unfinished ...>".length()).trim());
                continue;
            }
            if (text.startsWith("<... ")) {
                int resumed = text.indexOf("resumed>");
                String start = unfinished.remove(pid);
                if (resumed < 0 || start == null) {
                    continue;
                }
                text = start + text.substring(resumed + "resumed>".length());
            }
            Matcher call = CALL.matcher(text);
            if (!call.matches()) {
                continue;
            }
            String name = call.group(1);
            List<String> args = arguments(call.group(2));
            String result = call.group(3);
            String rest = call.group(4);
            boolean ok = !result.startsWith("-");
            String here = cwd.getOrDefault(pid, initialCwd);
            if (!ok && COUNTED_ERRORS.stream().noneMatch(e -> rest.contains(" " + e + " "))) {
                continue;
            }
            switch (name) {
                case "clone", "clone3", "fork", "vfork" -> {
                    if (ok && !result.equals("?")) {
                        cwd.put(Integer.parseInt(result), here);
                    }
                }
                case "chdir" -> {
                    if (ok) {
                        cwd.put(pid, resolve(here, null, string(args.get(0))));
                    }
                }
                case "fchdir" -> {
                    if (ok && fdPath(args.get(0)) != null) {
                        cwd.put(pid, fdPath(args.get(0)));
                    }
                }
                case "open", "creat" -> {
                    if (name.equals("creat") || writing(args.get(1))) {
                        written.add(resolve(here, null, string(args.get(0))));
                    }
                }
                case "openat", "openat2" -> {
                    if (writing(args.get(2))) {
                        written.add(resolve(here, fdPath(args.get(0)), string(args.get(1))));
                    }
                }
                case "mkdir", "rmdir", "unlink", "truncate", "chmod", "chown", "lchown", "utime", "utimes", "mknod" ->
                        written.add(resolve(here, null, string(args.get(0))));
                case "mkdirat", "unlinkat", "fchmodat", "fchownat", "mknodat" -> written.add(resolve(here, fdPath(args.get(0)), string(args.get(1))));
                case "utimensat" -> {
                    String path = string(args.get(1));
                    written.add(path == null ? fdPath(args.get(0)) : resolve(here, fdPath(args.get(0)), path));
                }
                case "fchmod", "fchown", "ftruncate" -> {
                    if (fdPath(args.get(0)) != null) {
                        written.add(fdPath(args.get(0)));
                    }
                }
                case "rename" -> {
                    written.add(resolve(here, null, string(args.get(0))));
                    written.add(resolve(here, null, string(args.get(1))));
                }
                case "renameat", "renameat2" -> {
                    written.add(resolve(here, fdPath(args.get(0)), string(args.get(1))));
                    written.add(resolve(here, fdPath(args.get(2)), string(args.get(3))));
                }
                case "link", "symlink" -> written.add(resolve(here, null, string(args.get(1))));
                case "linkat" -> written.add(resolve(here, fdPath(args.get(2)), string(args.get(3))));
                case "symlinkat" -> written.add(resolve(here, fdPath(args.get(1)), string(args.get(2))));
                default -> {
                }
            }
        }
        written.remove(null);
        return written;
    }

    private static boolean writing(String flags) {
        return flags.contains("O_WRONLY") || flags.contains("O_RDWR") || flags.contains("O_CREAT") || flags.contains("O_TRUNC")
                || flags.contains("O_APPEND");
    }

    private static String resolve(String cwd, String dir, String path) {
        if (path == null) {
            return null;
        }
        return Paths.resolve(path, dir != null && !path.startsWith("/") ? dir : cwd);
    }

    /** {@code 3</tmp/x>} or {@code AT_FDCWD</tmp>}: the path strace -y shows for a descriptor. */
    private static String fdPath(String arg) {
        int open = arg.indexOf('<');
        return open >= 0 && arg.endsWith(">") ? arg.substring(open + 1, arg.length() - 1) : null;
    }

    /** A quoted C string argument, unescaped; null for NULL. */
    private static String string(String arg) {
        if (!arg.startsWith("\"")) {
            return null;
        }
        String body = arg.endsWith("...") ? arg.substring(1, arg.length() - 4) : arg.substring(1, arg.length() - 1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\' || i + 1 >= body.length()) {
                out.append(c);
                continue;
            }
            char e = body.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'x' -> {
                    out.append((char) Integer.parseInt(body.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> out.append(e);
            }
        }
        return out.toString();
    }

    /** Top-level arguments of a call, split at commas outside quotes, brackets and braces. */
    private static List<String> arguments(String text) {
        List<String> args = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                current.append(c);
                if (c == '\\' && i + 1 < text.length()) {
                    current.append(text.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                }
                continue;
            }
            if (c == '"') {
                quoted = true;
            } else if (c == '[' || c == '{' || c == '(' || c == '<') {
                depth++;
            } else if (c == ']' || c == '}' || c == ')' || c == '>') {
                depth--;
            } else if (c == ',' && depth == 0) {
                args.add(current.toString().trim());
                current.setLength(0);
                continue;
            }
            current.append(c);
        }
        if (current.length() > 0) {
            args.add(current.toString().trim());
        }
        while (args.size() < 4) {
            args.add("");
        }
        return args;
    }
}
