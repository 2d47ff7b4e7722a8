package io.ccpolicy.engine.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a shell command line into words, operators and redirections the way bash does, without executing anything.
 * A word keeps its parts apart (quoted or unquoted literal text, variable references, values only known at run time),
 * because quoting decides what bash later expands: {@code "~"} and {@code '*'} are literal, {@code ~} and {@code *} are
 * not. Every command bash would run while expanding a word ({@code $(...)}, backticks, process substitutions,
 * substitutions inside {@code ${x:-...}} or arithmetic, unquoted here-document bodies) is collected with the word, so the
 * analyser can look at it where it runs. What this lexer cannot read with certainty is an {@link UnparseableException}.
 */
final class ShellLexer {

    enum Kind { WORD, OPERATOR, REDIRECT, ARITHMETIC }

    enum PartKind {
        /** Literal text; {@code quoted} when quotes or a backslash protect it from expansion. */
        LITERAL,
        /** A plain variable reference {@code $name} or {@code ${name}}; {@code text} is the name. */
        VARIABLE,
        /** A value only known at run time: a substitution's output, {@code $@}, {@code ${x:-...}}, arithmetic. */
        DYNAMIC,
        /** A process substitution: a {@code /dev/fd/N} path to another command's input or output. */
        PROCESS,
        /** {@code ${name%suffix}}, {@code ${name#prefix}} (and their long forms) or {@code ${name:-default}} with a literal operand. */
        TRIMMED
    }

    record Part(PartKind kind, String text, boolean quoted) {
    }

    /**
     * A word. {@code nested} are the commands bash runs to expand it; {@code evaluates} marks an expansion that evaluates
     * variable contents as code (arithmetic, {@code ${x@P}}); {@code extglob} marks an extended glob such as {@code !(x)}.
     */
    record Word(List<Part> parts, List<String> nested, boolean evaluates, boolean extglob) {

        static Word literal(String text) {
            return new Word(List.of(new Part(PartKind.LITERAL, text, true)), List.of(), false, false);
        }

        /** The word as a person reads it: literal text, {@code ${name}} for variables, {@code $(...)} for the rest. */
        String display() {
            if (parts.size() == 1 && parts.get(0).kind() == PartKind.LITERAL) {
                return parts.get(0).text();
            }
            StringBuilder text = new StringBuilder();
            for (Part part : parts) {
                switch (part.kind()) {
                    case LITERAL -> text.append(part.text());
                    case VARIABLE, TRIMMED -> text.append("${").append(part.text()).append('}');
                    case DYNAMIC, PROCESS -> text.append(part.text());
                }
            }
            return text.toString();
        }

        boolean isUnquotedLiteral(String text) {
            return parts.size() == 1 && parts.get(0).kind() == PartKind.LITERAL && !parts.get(0).quoted() && parts.get(0).text().equals(text);
        }

        boolean isLiteral() {
            return parts.stream().allMatch(p -> p.kind() == PartKind.LITERAL);
        }
    }

    /** A token; for REDIRECT {@code text} is the operator and the next token its target (for here-documents, the body). */
    record Token(Kind kind, String text, Word word) {

        static Token operator(String op) {
            return new Token(Kind.OPERATOR, op, null);
        }

        boolean is(String wordText) {
            return kind == Kind.WORD && word.isUnquotedLiteral(wordText);
        }
    }

    static final class UnparseableException extends Exception {
        UnparseableException(String message) {
            super(message);
        }
    }

    private static final String KEYWORDS_BEFORE_COMMAND = "|if|then|else|elif|do|while|until|!|{|time|for|";

    /** A here-document whose body follows the next newline; the token is replaced once the body is read. */
    private record PendingHeredoc(int tokenIndex, String delimiter, boolean stripTabs, boolean quoted) {
    }

    private final String input;
    private final List<Token> tokens = new ArrayList<>();
    private final List<PendingHeredoc> pendingHeredocs = new ArrayList<>();
    private int pos;
    private int testDepth;

    private List<Part> parts = new ArrayList<>();
    private StringBuilder literal = new StringBuilder();
    private boolean literalQuoted;
    private List<String> nested = new ArrayList<>();
    private boolean evaluates;
    private boolean extglob;
    private boolean wordStarted;

    ShellLexer(String input) {
        this.input = input;
    }

    List<Token> tokens() {
        return tokens;
    }

    ShellLexer lex() throws UnparseableException {
        int n = input.length();
        while (pos < n) {
            char c = input.charAt(pos);
            if (testDepth > 0 && c != ' ' && c != '\t' && c != '\n' && c != '\r' && "<>()&|".indexOf(c) >= 0 && c != '\n') {
                // inside [[ ... ]] these are operators of the test, not of the shell
                if ((c == '&' || c == '|') && peek(1) == c) {
                    endWord();
                    literal(input.substring(pos, pos + 2), false);
                    pos += 2;
                    endWord();
                } else {
                    literal(c, false);
                    pos++;
                }
                continue;
            }
            switch (c) {
                case ' ', '\t', '\r' -> {
                    endWord();
                    pos++;
                }
                case '\n' -> {
                    endWord();
                    operator("\n", 1);
                    readHeredocBodies();
                }
                case '\\' -> {
                    if (peek(1) == '\n') {
                        pos += 2;
                    } else if (pos + 1 < n) {
                        literal(input.charAt(pos + 1), true);
                        pos += 2;
                    } else {
                        pos++;
                    }
                }
                case '\'' -> singleQuoted();
                case '"' -> doubleQuoted();
                case '`' -> backtick(false);
                case '$' -> dollar(false);
                case '#' -> {
                    if (!wordStarted) {
                        while (pos < n && input.charAt(pos) != '\n') {
                            pos++;
                        }
                    } else {
                        literal('#', false);
                        pos++;
                    }
                }
                case ';' -> {
                    endWord();
                    if (peek(1) == ';' && peek(2) == '&') {
                        operator(";;&", 3);
                    } else if (peek(1) == ';' || peek(1) == '&') {
                        operator(input.substring(pos, pos + 2), 2);
                    } else {
                        operator(";", 1);
                    }
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
                case '(' -> {
                    if (wordStarted && literal.length() > 0 && !literalQuoted && "@!+*?".indexOf(literal.charAt(literal.length() - 1)) >= 0) {
                        // extended glob such as !(keep) or @(a|b): a pattern, expanded against the file system
                        pos++;
                        String inner = balanced('(', ')');
                        literal("(" + inner + ")", false);
                        extglob = true;
                    } else if (wordStarted && parts.isEmpty() && !literalQuoted && literal.toString().matches("[A-Za-z_][A-Za-z0-9_]*\\+?=")) {
                        // array assignment name=(a b c): its elements are expanded, its value is not a plain string
                        pos++;
                        Word elements = expandedText(balanced('(', ')'));
                        nested.addAll(elements.nested());
                        part(PartKind.DYNAMIC, "(" + elements.display() + ")", false);
                    } else if (!wordStarted && atCommandStart() && peek(1) == '(') {
                        arithmeticCommand();
                    } else {
                        endWord();
                        operator("(", 1);
                    }
                }
                case ')' -> {
                    endWord();
                    operator(")", 1);
                }
                case '<', '>' -> redirection(c);
                default -> {
                    literal(c, false);
                    pos++;
                }
            }
        }
        endWord();
        readHeredocBodies();
        return this;
    }

    private boolean atCommandStart() {
        if (tokens.isEmpty()) {
            return true;
        }
        Token last = tokens.get(tokens.size() - 1);
        if (last.kind() == Kind.OPERATOR) {
            return true;
        }
        return last.kind() == Kind.WORD && last.word().isLiteral() && KEYWORDS_BEFORE_COMMAND.contains("|" + last.word().display() + "|");
    }

    private char peek(int ahead) {
        return pos + ahead < input.length() ? input.charAt(pos + ahead) : '\0';
    }

    private void literal(char c, boolean quoted) {
        if (literal.length() > 0 && literalQuoted != quoted) {
            flushLiteral();
        }
        literal.append(c);
        literalQuoted = quoted;
        wordStarted = true;
    }

    private void literal(String text, boolean quoted) {
        if (literal.length() > 0 && literalQuoted != quoted) {
            flushLiteral();
        }
        literal.append(text);
        literalQuoted = quoted;
        wordStarted = true;
    }

    private void flushLiteral() {
        if (literal.length() > 0) {
            parts.add(new Part(PartKind.LITERAL, literal.toString(), literalQuoted));
            literal = new StringBuilder();
        }
    }

    private void part(PartKind kind, String text, boolean quoted) {
        flushLiteral();
        parts.add(new Part(kind, text, quoted));
        wordStarted = true;
    }

    private void endWord() {
        if (wordStarted) {
            flushLiteral();
            // the lists are handed over: fresh ones are started below
            Word word = new Word(parts, nested.isEmpty() ? List.of() : nested, evaluates, extglob);
            if (testDepth == 0 && word.isUnquotedLiteral("[[") && atCommandStart()) {
                testDepth = 1;
            } else if (testDepth > 0 && word.isUnquotedLiteral("]]")) {
                testDepth = 0;
            }
            tokens.add(new Token(Kind.WORD, word.display(), word));
        }
        parts = new ArrayList<>();
        literal = new StringBuilder();
        nested = new ArrayList<>();
        evaluates = false;
        extglob = false;
        wordStarted = false;
    }

    private void operator(String op, int length) {
        tokens.add(Token.operator(op));
        pos += length;
    }

    private void redirect(String op, int length) {
        tokens.add(new Token(Kind.REDIRECT, op, null));
        pos += length;
    }

    private void redirection(char c) throws UnparseableException {
        // "2>file" or "{fd}>file": a file descriptor right before the operator belongs to it, it is not an argument.
        flushLiteral();
        boolean fdPrefix = wordStarted && parts.size() == 1 && parts.get(0).kind() == PartKind.LITERAL && !parts.get(0).quoted()
                && (parts.get(0).text().chars().allMatch(Character::isDigit) || descriptorVariable(parts.get(0).text()));
        if (fdPrefix) {
            parts = new ArrayList<>();
            wordStarted = false;
        } else if (peek(1) != '(') {
            endWord();
        }
        if (peek(1) == '(') {
            pos += 2;
            String inner = balanced('(', ')');
            nested.add(inner);
            part(PartKind.PROCESS, c + "(" + inner + ")", false);
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

    /** {@code {name}} before a redirection: bash stores the descriptor it opens in that variable. */
    private static boolean descriptorVariable(String text) {
        return text.length() > 2 && text.charAt(0) == '{' && text.charAt(text.length() - 1) == '}'
                && (Character.isLetter(text.charAt(1)) || text.charAt(1) == '_')
                && text.substring(1, text.length() - 1).chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_');
    }

    private void heredocDelimiter(boolean stripTabs) throws UnparseableException {
        int n = input.length();
        while (pos < n && (input.charAt(pos) == ' ' || input.charAt(pos) == '\t')) {
            pos++;
        }
        StringBuilder delimiter = new StringBuilder();
        boolean quoted = false;
        while (pos < n) {
            char c = input.charAt(pos);
            if (c == '\'' || c == '"') {
                int end = input.indexOf(c, pos + 1);
                if (end < 0) {
                    throw new UnparseableException("unterminated quote in a here-document delimiter");
                }
                delimiter.append(input, pos + 1, end);
                quoted = true;
                pos = end + 1;
            } else if (c == '\\') {
                quoted = true;
                if (pos + 1 < n) {
                    delimiter.append(input.charAt(pos + 1));
                }
                pos += 2;
            } else if (c == '$' || c == '`') {
                throw new UnparseableException("here-document delimiter with an expansion");
            } else if (Character.isWhitespace(c) || ";&|<>()".indexOf(c) >= 0) {
                break;
            } else {
                delimiter.append(c);
                pos++;
            }
        }
        if (delimiter.length() == 0) {
            throw new UnparseableException("here-document without a delimiter");
        }
        pendingHeredocs.add(new PendingHeredoc(tokens.size(), delimiter.toString(), stripTabs, quoted));
        tokens.add(new Token(Kind.WORD, delimiter.toString(), Word.literal("")));
    }

    /** Reads the bodies of the here-documents opened on the line just ended; an unquoted body is expanded like "...". */
    private void readHeredocBodies() throws UnparseableException {
        for (PendingHeredoc heredoc : pendingHeredocs) {
            StringBuilder body = new StringBuilder();
            while (pos < input.length()) {
                int end = input.indexOf('\n', pos);
                String line = end < 0 ? input.substring(pos) : input.substring(pos, end);
                pos = end < 0 ? input.length() : end + 1;
                String compared = heredoc.stripTabs() ? line.replaceFirst("^\t+", "") : line;
                if (compared.equals(heredoc.delimiter())) {
                    break;
                }
                body.append(compared).append('\n');
            }
            Word word = heredoc.quoted() ? Word.literal(body.toString()) : expandedText(body.toString());
            tokens.set(heredoc.tokenIndex(), new Token(Kind.WORD, heredoc.delimiter(), word));
        }
        pendingHeredocs.clear();
    }

    /** Lexes text the way the inside of double quotes is read (here-document bodies, arithmetic, ${...} operands). */
    static Word expandedText(String text) throws UnparseableException {
        ShellLexer inner = new ShellLexer(text);
        inner.quotedRun(text.length(), "\\$`\n");
        inner.flushLiteral();
        return new Word(List.copyOf(inner.parts), List.copyOf(inner.nested), inner.evaluates, false);
    }

    private void quotedRun(int end, String escapable) throws UnparseableException {
        while (pos < end) {
            char c = input.charAt(pos);
            if (c == '\\' && pos + 1 < end && escapable.indexOf(input.charAt(pos + 1)) >= 0) {
                if (input.charAt(pos + 1) != '\n') {
                    literal(input.charAt(pos + 1), true);
                }
                pos += 2;
            } else if (c == '$') {
                dollar(true);
            } else if (c == '`') {
                backtick(true);
            } else {
                literal(c, true);
                pos++;
            }
        }
    }

    private void singleQuoted() throws UnparseableException {
        int end = input.indexOf('\'', pos + 1);
        if (end < 0) {
            throw new UnparseableException("unterminated single quote");
        }
        literal(input.substring(pos + 1, end), true);
        wordStarted = true;
        pos = end + 1;
    }

    private void doubleQuoted() throws UnparseableException {
        wordStarted = true;
        int end = closingDoubleQuote(pos + 1);
        pos++;
        quotedRun(end, "\"\\$`\n");
        pos = end + 1;
    }

    /** The index of the quote closing a double-quoted string that starts at {@code from}, skipping nested substitutions. */
    private int closingDoubleQuote(int from) throws UnparseableException {
        int i = from;
        int n = input.length();
        while (i < n) {
            char c = input.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '"') {
                return i;
            } else if (c == '$' && i + 1 < n && (input.charAt(i + 1) == '(' || input.charAt(i + 1) == '{')) {
                i = skipBalanced(i + 2, input.charAt(i + 1), input.charAt(i + 1) == '(' ? ')' : '}');
            } else if (c == '`') {
                int close = i + 1;
                while (close < n && input.charAt(close) != '`') {
                    close += input.charAt(close) == '\\' ? 2 : 1;
                }
                i = close + 1;
            } else {
                i++;
            }
        }
        throw new UnparseableException("unterminated double quote");
    }

    private void backtick(boolean quoted) throws UnparseableException {
        int end = pos + 1;
        StringBuilder inner = new StringBuilder();
        while (end < input.length() && input.charAt(end) != '`') {
            if (input.charAt(end) == '\\' && end + 1 < input.length() && "$`\\".indexOf(input.charAt(end + 1)) >= 0) {
                end++;
            }
            inner.append(input.charAt(end));
            end++;
        }
        if (end >= input.length()) {
            throw new UnparseableException("unterminated backtick substitution");
        }
        nested.add(inner.toString());
        part(PartKind.DYNAMIC, "`...`", quoted);
        pos = end + 1;
    }

    private void arithmeticCommand() throws UnparseableException {
        pos += 1;
        String inner = balanced('(', ')');
        if (!inner.startsWith("(") || !inner.endsWith(")")) {
            throw new UnparseableException("(( without a matching ))");
        }
        Word content = expandedText(inner.substring(1, inner.length() - 1));
        tokens.add(new Token(Kind.ARITHMETIC, "((" + inner + ")", new Word(content.parts(), content.nested(), true, false)));
    }

    private void dollar(boolean quoted) throws UnparseableException {
        char next = peek(1);
        if (next == '(') {
            pos += 2;
            String inner = balanced('(', ')');
            if (inner.startsWith("(") && inner.endsWith(")")) {
                arithmetic(inner.substring(1, inner.length() - 1), quoted);
            } else {
                nested.add(inner);
                part(PartKind.DYNAMIC, "$(...)", quoted);
            }
            return;
        }
        if (next == '[') {
            pos += 2;
            arithmetic(balanced('[', ']'), quoted);
            return;
        }
        if (next == '\'' && !quoted) {
            pos++;
            ansiC();
            return;
        }
        if (next == '"' && !quoted) {
            // $"...": translated through the locale's message catalog at run time
            pos++;
            int end = closingDoubleQuote(pos + 1);
            Word inner = expandedText(input.substring(pos + 1, end));
            nested.addAll(inner.nested());
            part(PartKind.DYNAMIC, "$\"" + inner.display() + "\"", true);
            pos = end + 1;
            return;
        }
        if (next == '{') {
            pos += 2;
            String inner = balanced('{', '}');
            if (inner.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                part(PartKind.VARIABLE, inner, quoted);
            } else if (inner.matches("[A-Za-z_][A-Za-z0-9_]*(%%|%|##|#|:-|-)[A-Za-z0-9_./+@=,-]*")) {
                // ${name%.txt}, ${name#src/}, ${name:-default}: computed from the variable's values with a literal operand
                part(PartKind.TRIMMED, inner, quoted);
            } else {
                int operand = 0;
                while (operand < inner.length() && (Character.isLetterOrDigit(inner.charAt(operand)) || "_#!@*?$-".indexOf(inner.charAt(operand)) >= 0)) {
                    operand++;
                }
                Word rest = expandedText(inner.substring(operand));
                nested.addAll(rest.nested());
                if (inner.contains("@P") || inner.startsWith("!")) {
                    evaluates = true;
                }
                part(PartKind.DYNAMIC, "${" + inner + "}", quoted);
            }
            return;
        }
        if (Character.isLetter(next) || next == '_') {
            int end = pos + 1;
            while (end < input.length() && (Character.isLetterOrDigit(input.charAt(end)) || input.charAt(end) == '_')) {
                end++;
            }
            part(PartKind.VARIABLE, input.substring(pos + 1, end), quoted);
            pos = end;
            return;
        }
        if (next != '\0' && "?#@*!$-0123456789".indexOf(next) >= 0) {
            part(PartKind.DYNAMIC, "$" + next, quoted);
            pos += 2;
            return;
        }
        literal('$', quoted);
        pos++;
    }

    private void arithmetic(String content, boolean quoted) throws UnparseableException {
        Word inner = expandedText(content);
        nested.addAll(inner.nested());
        evaluates = true;
        part(PartKind.DYNAMIC, "$((" + content + "))", quoted);
    }

    /** {@code $'...'}: ANSI-C escapes decoded as bash does; an escape this lexer does not know is refused, not guessed. */
    private void ansiC() throws UnparseableException {
        int i = pos + 1;
        int n = input.length();
        StringBuilder text = new StringBuilder();
        while (i < n && input.charAt(i) != '\'') {
            char c = input.charAt(i);
            if (c != '\\') {
                text.append(c);
                i++;
                continue;
            }
            if (i + 1 >= n) {
                break;
            }
            char e = input.charAt(i + 1);
            i += 2;
            switch (e) {
                case 'a' -> text.append('\007');
                case 'b' -> text.append('\b');
                case 'e', 'E' -> text.append('\033');
                case 'f' -> text.append('\f');
                case 'n' -> text.append('\n');
                case 'r' -> text.append('\r');
                case 't' -> text.append('\t');
                case 'v' -> text.append('\013');
                case '\\', '\'', '"', '?' -> text.append(e);
                case 'x', 'u', 'U' -> {
                    int max = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    int start = i;
                    while (i < n && i - start < max && Character.digit(input.charAt(i), 16) >= 0) {
                        i++;
                    }
                    if (i == start) {
                        text.append('\\').append(e);
                    } else {
                        text.appendCodePoint(Integer.parseInt(input.substring(start, i), 16));
                    }
                }
                case 'c' -> {
                    if (i >= n) {
                        throw new UnparseableException("unterminated $'...' quote");
                    }
                    text.append((char) (input.charAt(i) & 0x1f));
                    i++;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int start = i - 1;
                        while (i < n && i - start < 3 && input.charAt(i) >= '0' && input.charAt(i) <= '7') {
                            i++;
                        }
                        text.append((char) (Integer.parseInt(input.substring(start, i), 8) & 0xff));
                    } else {
                        text.append('\\').append(e);
                    }
                }
            }
        }
        if (i >= n) {
            throw new UnparseableException("unterminated $'...' quote");
        }
        if (text.indexOf("\0") >= 0) {
            text.setLength(text.indexOf("\0"));
        }
        literal(text.toString(), true);
        pos = i + 1;
    }

    /** Reads up to the matching close bracket (the opening one is already consumed), quote-aware. */
    private String balanced(char open, char close) throws UnparseableException {
        int start = pos;
        pos = skipBalanced(pos, open, close);
        return input.substring(start, pos - 1);
    }

    /** The index just past the bracket closing one opened before {@code from}. */
    private int skipBalanced(int from, char open, char close) throws UnparseableException {
        int depth = 1;
        int i = from;
        int n = input.length();
        while (i < n) {
            char c = input.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '\'' && open != '[') {
                int end = input.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new UnparseableException("unterminated single quote inside a substitution");
                }
                i = end + 1;
                continue;
            }
            if (c == '"') {
                i = closingDoubleQuote(i + 1) + 1;
                continue;
            }
            if (c == '`') {
                int end = i + 1;
                while (end < n && input.charAt(end) != '`') {
                    end += input.charAt(end) == '\\' ? 2 : 1;
                }
                i = end + 1;
                continue;
            }
            if (c == open) {
                depth++;
            } else if (c == close) {
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            }
            i++;
        }
        throw new UnparseableException("unterminated " + (open == '(' ? "$(...) or (...)" : open == '{' ? "${...}" : "$[...]"));
    }
}
