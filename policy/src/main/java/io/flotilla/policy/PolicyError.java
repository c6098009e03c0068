package io.flotilla.policy;

/**
 * One problem in a policy file, located by 1-based line and column and by the dotted path of the field.
 * Prints as {@code file:line:column: path: message}, or as a warning {@code file:line:column: warning: path: message}.
 */
public record PolicyError(String file, int line, int column, String path, String message) {

    public String format() {
        return file + ":" + line + ":" + column + ": " + (path.isEmpty() ? "" : path + ": ") + message;
    }

    public String formatWarning() {
        return file + ":" + line + ":" + column + ": warning: " + (path.isEmpty() ? "" : path + ": ") + message;
    }

    @Override
    public String toString() {
        return format();
    }
}
