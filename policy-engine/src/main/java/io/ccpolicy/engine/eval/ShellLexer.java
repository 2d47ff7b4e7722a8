package io.ccpolicy.engine.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a shell command line into words, operators and redirections the way bash would, without executing anything.
 * Quotes, escapes, comments, line continuations and here-document bodies are handled; {@code $(...)}, backticks and
 * process substitutions are collected as nested commands, and words built from variables or substitutions are marked
 * dynamic because their value is unknown until run time.
 */
final class ShellLexer {

    enum Kind { WORD, OPERATOR, REDIRECT }

    /** A token; for REDIRECT, {@code text} is the operator ({@code >}, {@code >>}, {@code <}, {@code <<}, ...). */
    record Token(Kind kind, String text, boolean dynamic) {
    }

    static final class UnparseableException extends Exception {
        UnparseableException(String message) {
            super(message);
        }
    }

    private final String input;
    private final String home;
    private final String cwd;
    private final List<Token> tokens = new ArrayList<>();
    private final List<String> nested = new ArrayList<>();
    private final List<String[]> pendingHeredocs = new ArrayList<>();
    private int pos;

    private StringBuilder word = new StringBuilder();
    private boolean wordStarted;
    private boolean wordDynamic;
    private boolean wordQuoted;

    ShellLexer(String input, String cwd, String home) {
        this.input = input;
        this.cwd = cwd;
        this.home = home;
    }

    List<Token> tokens() {
        return tokens;
    }

    /** Commands found inside substitutions, to be analysed as commands of their own. */
    List<String> nestedCommands() {
        return nested;
    }

    ShellLexer lex() throws UnparseableException {
        int n = input.length();
        while (pos < n) {
            char c = input.charAt(pos);
            switch (c) {
                case ' ', '\t', '\r' -> {
                    endWord();
                    pos++;
                }
                case '\n' -> {
                    endWord();
                    operator("\n", 1);
                    skipHeredocBodies();
                }
                case '\\' -> {
                    if (pos + 1 < n && input.charAt(pos + 1) == '\n') {
                        pos += 2;
                    } else if (pos + 1 < n) {
                        append(input.charAt(pos + 1));
                        pos += 2;
                    } else {
                        pos++;
                    }
                }
                case '\'' -> singleQuoted();
                case '"' -> doubleQuoted();
                case '`' -> backtick();
                case '$' -> dollar();
                case '#' -> {
                    if (!wordStarted) {
                        while (pos < n && input.charAt(pos) != '\n') {
                            pos++;
                        }
                    } else {
                        append(c);
                        pos++;
                    }
                }
                case ';' -> {
                    endWord();
                    operator(peek(1) == ';' ? ";;" : ";", peek(1) == ';' ? 2 : 1);
                }
                case '&' -> {
                    endWord();
                    if (peek(1) == '&') {
                        operator("&&", 2);
                    } else if (peek(1) == '>') {
                        redirect(peek(2) == '>' ? "&>>" : "&>", peek(2) == '>' ? 3 : 2);
                    } else {
                        operator("&", 1);
                    }
                }
                case '|' -> {
                    endWord();
                    if (peek(1) == '|') {
                        operator("||", 2);
                    } else {
                        operator(peek(1) == '&' ? "|&" : "|", peek(1) == '&' ? 2 : 1);
                    }
                }
                case '(', ')' -> {
                    endWord();
                    operator(String.valueOf(c), 1);
                }
                case '<', '>' -> redirection(c);
                default -> {
                    append(c);
                    pos++;
                }
            }
        }
        endWord();
        return this;
    }

    private char peek(int ahead) {
        return pos + ahead < input.length() ? input.charAt(pos + ahead) : '\0';
    }

    private void append(char c) {
        word.append(c);
        wordStarted = true;
    }

    private void endWord() {
        if (wordStarted) {
            tokens.add(new Token(Kind.WORD, word.toString(), wordDynamic));
        }
        word = new StringBuilder();
        wordStarted = false;
        wordDynamic = false;
        wordQuoted = false;
    }

    private void operator(String op, int length) {
        tokens.add(new Token(Kind.OPERATOR, op, false));
        pos += length;
    }

    private void redirect(String op, int length) {
        tokens.add(new Token(Kind.REDIRECT, op, false));
        pos += length;
    }

    private void redirection(char c) throws UnparseableException {
        // "2>file": a word of digits right before the operator is a file descriptor, not an argument.
        if (wordStarted && !wordQuoted && !wordDynamic && word.chars().allMatch(Character::isDigit)) {
            word = new StringBuilder();
            wordStarted = false;
        } else {
            endWord();
        }
        if (peek(1) == '(') {
            // process substitution <(cmd) or >(cmd)
            pos += 2;
            nested.add(balanced('(', ')'));
            wordStarted = true;
            wordDynamic = true;
            word.append(c).append("(...)");
            return;
        }
        if (c == '>') {
            if (peek(1) == '>') {
                redirect(">>", 2);
            } else if (peek(1) == '|') {
                redirect(">|", 2);
            } else if (peek(1) == '&') {
                redirect(">&", 2);
            } else {
                redirect(">", 1);
            }
            return;
        }
        if (peek(1) == '<' && peek(2) == '<') {
            redirect("<<<", 3);
        } else if (peek(1) == '<') {
            boolean strip = peek(2) == '-';
            redirect(strip ? "<<-" : "<<", strip ? 3 : 2);
            heredocDelimiter(strip);
        } else if (peek(1) == '&') {
            redirect("<&", 2);
        } else if (peek(1) == '>') {
            redirect("<>", 2);
        } else {
            redirect("<", 1);
        }
    }

    private void heredocDelimiter(boolean stripTabs) throws UnparseableException {
        int n = input.length();
        while (pos < n && (input.charAt(pos) == ' ' || input.charAt(pos) == '\t')) {
            pos++;
        }
        StringBuilder delimiter = new StringBuilder();
        while (pos < n) {
            char c = input.charAt(pos);
            if (c == '\'' || c == '"') {
                int end = input.indexOf(c, pos + 1);
                if (end < 0) {
                    throw new UnparseableException("unterminated quote in here-document delimiter");
                }
                delimiter.append(input, pos + 1, end);
                pos = end + 1;
            } else if (c == '\\') {
                pos++;
            } else if (Character.isWhitespace(c) || c == ';' || c == '&' || c == '|' || c == '<' || c == '>' || c == ')') {
                break;
            } else {
                delimiter.append(c);
                pos++;
            }
        }
        if (delimiter.length() == 0) {
            throw new UnparseableException("here-document without a delimiter");
        }
        tokens.add(new Token(Kind.WORD, delimiter.toString(), false));
        pendingHeredocs.add(new String[] {delimiter.toString(), stripTabs ? "strip" : ""});
    }

    private void skipHeredocBodies() {
        for (String[] heredoc : pendingHeredocs) {
            while (pos < input.length()) {
                int end = input.indexOf('\n', pos);
                String line = end < 0 ? input.substring(pos) : input.substring(pos, end);
                pos = end < 0 ? input.length() : end + 1;
                String compared = heredoc[1].isEmpty() ? line : line.replaceFirst("^\t+", "");
                if (compared.equals(heredoc[0])) {
                    break;
                }
            }
        }
        pendingHeredocs.clear();
    }

    private void singleQuoted() throws UnparseableException {
        int end = input.indexOf('\'', pos + 1);
        if (end < 0) {
            throw new UnparseableException("unterminated single quote");
        }
        word.append(input, pos + 1, end);
        wordStarted = true;
        wordQuoted = true;
        pos = end + 1;
    }

    private void doubleQuoted() throws UnparseableException {
        wordStarted = true;
        wordQuoted = true;
        pos++;
        int n = input.length();
        while (pos < n) {
            char c = input.charAt(pos);
            if (c == '"') {
                pos++;
                return;
            }
            if (c == '\\' && pos + 1 < n && "\"\\$`\n".indexOf(input.charAt(pos + 1)) >= 0) {
                if (input.charAt(pos + 1) != '\n') {
                    word.append(input.charAt(pos + 1));
                }
                pos += 2;
            } else if (c == '$') {
                dollar();
            } else if (c == '`') {
                backtick();
            } else {
                word.append(c);
                pos++;
            }
        }
        throw new UnparseableException("unterminated double quote");
    }

    private void backtick() throws UnparseableException {
        int end = pos + 1;
        StringBuilder inner = new StringBuilder();
        while (end < input.length() && input.charAt(end) != '`') {
            if (input.charAt(end) == '\\' && end + 1 < input.length()) {
                end++;
            }
            inner.append(input.charAt(end));
            end++;
        }
        if (end >= input.length()) {
            throw new UnparseableException("unterminated backtick substitution");
        }
        nested.add(inner.toString());
        word.append("`...`");
        wordStarted = true;
        wordDynamic = true;
        pos = end + 1;
    }

    private void dollar() throws UnparseableException {
        char next = peek(1);
        if (next == '(') {
            boolean arithmetic = peek(2) == '(';
            pos += 2;
            String inner = balanced('(', ')');
            if (!arithmetic) {
                nested.add(inner);
            }
            word.append("$(...)");
            wordStarted = true;
            wordDynamic = true;
            return;
        }
        if (next == '\'') {
            // ANSI-C quoting: $'...'
            pos++;
            int end = pos + 1;
            StringBuilder text = new StringBuilder();
            while (end < input.length() && input.charAt(end) != '\'') {
                if (input.charAt(end) == '\\' && end + 1 < input.length()) {
                    end++;
                }
                text.append(input.charAt(end));
                end++;
            }
            if (end >= input.length()) {
                throw new UnparseableException("unterminated $'...' quote");
            }
            word.append(text);
            wordStarted = true;
            wordQuoted = true;
            pos = end + 1;
            return;
        }
        String name;
        if (next == '{') {
            int end = input.indexOf('}', pos + 2);
            if (end < 0) {
                throw new UnparseableException("unterminated ${...}");
            }
            name = input.substring(pos + 2, end);
            pos = end + 1;
        } else if (Character.isLetter(next) || next == '_') {
            int end = pos + 1;
            while (end < input.length() && (Character.isLetterOrDigit(input.charAt(end)) || input.charAt(end) == '_')) {
                end++;
            }
            name = input.substring(pos + 1, end);
            pos = end;
        } else if (next != '\0' && "?#@*!$-0123456789".indexOf(next) >= 0) {
            name = String.valueOf(next);
            pos += 2;
        } else {
            append('$');
            pos++;
            return;
        }
        wordStarted = true;
        if (name.equals("HOME")) {
            word.append(home);
        } else if (name.equals("PWD") && cwd != null) {
            word.append(cwd);
        } else {
            word.append("${").append(name).append('}');
            wordDynamic = true;
        }
    }

    /** Reads up to the matching close bracket (the opening one is already consumed), quote-aware. */
    private String balanced(char open, char close) throws UnparseableException {
        int depth = 1;
        int start = pos;
        int n = input.length();
        while (pos < n) {
            char c = input.charAt(pos);
            if (c == '\\') {
                pos += 2;
                continue;
            }
            if (c == '\'') {
                int end = input.indexOf('\'', pos + 1);
                if (end < 0) {
                    throw new UnparseableException("unterminated single quote inside a substitution");
                }
                pos = end + 1;
                continue;
            }
            if (c == '"') {
                pos++;
                while (pos < n && input.charAt(pos) != '"') {
                    pos += input.charAt(pos) == '\\' ? 2 : 1;
                }
                if (pos >= n) {
                    throw new UnparseableException("unterminated double quote inside a substitution");
                }
                pos++;
                continue;
            }
            if (c == open) {
                depth++;
            } else if (c == close) {
                depth--;
                if (depth == 0) {
                    String inner = input.substring(start, pos);
                    pos++;
                    return inner;
                }
            }
            pos++;
        }
        throw new UnparseableException("unterminated substitution $(...");
    }
}
