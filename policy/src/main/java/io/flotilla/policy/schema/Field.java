package io.flotilla.policy.schema;

/**
 * One field of an object shape.
 *
 * @param defaultValue for {@link Presence#DEFAULT}: the value in model form (what the record holds)
 * @param defaultFrom for {@link Presence#DEFAULT_FROM}: the dotted path of an earlier field whose value is copied
 */
public record Field(String name, Shape shape, Presence presence, Object defaultValue, String defaultFrom, String description) {

    public enum Presence {
        /** Must be written. */
        REQUIRED,
        /** May be left out; the record holds {@code Optional.empty()}. */
        OPTIONAL,
        /** May be left out; the record holds {@link #defaultValue()}. */
        DEFAULT,
        /** May be left out; the record holds the value of {@link #defaultFrom()}. */
        DEFAULT_FROM,
        /** May be left out; an object with all its defaults, an empty list or an empty map. */
        DEFAULT_EMPTY
    }

    public static Field required(String name, Shape shape, String description) {
        return new Field(name, shape, Presence.REQUIRED, null, null, description);
    }

    public static Field optional(String name, Shape shape, String description) {
        return new Field(name, shape, Presence.OPTIONAL, null, null, description);
    }

    public static Field withDefault(String name, Shape shape, Object value, String description) {
        return new Field(name, shape, Presence.DEFAULT, value, null, description);
    }

    public static Field defaultFrom(String name, Shape shape, String path, String description) {
        return new Field(name, shape, Presence.DEFAULT_FROM, null, path, description);
    }

    public static Field emptyByDefault(String name, Shape shape, String description) {
        return new Field(name, shape, Presence.DEFAULT_EMPTY, null, null, description);
    }
}
