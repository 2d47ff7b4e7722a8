package io.ccpolicy.engine;

/**
 * What only the host knows about paths on its machine: where a path really leads (symbolic links followed through
 * the deepest existing ancestor), and whether the file system compares names case-insensitively (macOS, Windows). The
 * engine does no I/O; it asks this for every path a decision turns on and checks the lexical and the real path both.
 */
public interface HostPaths {

    /** Lexical only: nothing resolved, names compared exactly (tests, servers replaying recorded events). */
    HostPaths LEXICAL = new HostPaths() {
        @Override
        public String realPath(String path) {
            return path;
        }

        @Override
        public boolean caseInsensitive() {
            return false;
        }
    };

    /** The real path of a normalized absolute path, or the path itself when nothing on the way is a link. */
    String realPath(String path);

    boolean caseInsensitive();

    /** Whether tool paths come as Windows paths ({@code C:\\Users\\bob}), to be read as {@code /c/Users/bob}. */
    default boolean windows() {
        return false;
    }
}
