package io.ccpolicy.engine.eval;

/**
 * Whether an awk program can run a command or write a file: {@code system()}, pipes to or from commands,
 * {@code getline}, output redirection of {@code print}, extensions. String and regular-expression literals are skipped
 * first, so {@code /a|b/} and {@code "x > y"} do not count.
 */
final class AwkProgram {

    private AwkProgram() {
    }

    static boolean runsOrWrites(String program) {
        String skeleton = skeleton(program);
        if (skeleton.contains("system") || skeleton.contains("getline") || skeleton.contains("@load") || skeleton.contains("@include")) {
            return true;
        }
        for (int i = 0; i < skeleton.length(); i++) {
            if (skeleton.charAt(i) == '|') {
                if (i + 1 < skeleton.length() && skeleton.charAt(i + 1) == '|') {
                    i++;
                    continue;
                }
                return true;
            }
        }
        int print = skeleton.indexOf("print");
        while (print >= 0) {
            int end = print;
            while (end < skeleton.length() && ";}\n".indexOf(skeleton.charAt(end)) < 0) {
                end++;
            }
            String statement = skeleton.substring(print, end);
            if (statement.indexOf('>') >= 0 && !insideParentheses(statement, statement.indexOf('>'))) {
                return true;
            }
            print = skeleton.indexOf("print", end);
        }
        return false;
    }

    private static boolean insideParentheses(String text, int index) {
        int depth = 0;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '(') {
                depth++;
            } else if (text.charAt(i) == ')') {
                depth--;
            }
        }
        return depth > 0;
    }

    /** The program with string literals emptied and regular-expression literals removed. */
    private static String skeleton(String program) {
        StringBuilder out = new StringBuilder();
        char previous = '\n';
        for (int i = 0; i < program.length(); i++) {
            char c = program.charAt(i);
            if (c == '"') {
                i = skip(program, i + 1, '"');
                out.append("\"\"");
                previous = '"';
                continue;
            }
            if (c == '/' && "(,!~{;&|\n}".indexOf(previous) >= 0) {
                i = skip(program, i + 1, '/');
                out.append("//");
                previous = '/';
                continue;
            }
            out.append(c);
            if (!Character.isWhitespace(c)) {
                previous = c;
            } else if (c == '\n') {
                previous = '\n';
            }
        }
        return out.toString();
    }

    private static int skip(String text, int from, char end) {
        for (int i = from; i < text.length(); i++) {
            if (text.charAt(i) == '\\') {
                i++;
            } else if (text.charAt(i) == end) {
                return i;
            }
        }
        return text.length();
    }
}
