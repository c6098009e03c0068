package io.flotilla.controlplane.support;

import jakarta.inject.Inject;
import jakarta.persistence.AttributeConverter;

/**
 * A JSON column as a typed field: subclasses name the type (an immutable record) and are declared
 * {@code @ApplicationScoped} (Quarkus then injects them) and {@code @Immutable} (Hibernate then compares values
 * with {@code equals} instead of copying them through JSON). Reading and writing is {@link StoredJson}'s.
 */
public abstract class JsonColumn<T> implements AttributeConverter<T, String> {

    @Inject
    StoredJson json;

    private final Class<T> type;
    private final String what;

    protected JsonColumn(Class<T> type, String what) {
        this.type = type;
        this.what = what;
    }

    @Override
    public String convertToDatabaseColumn(T value) {
        return value == null ? null : json.write(value);
    }

    @Override
    public T convertToEntityAttribute(String text) {
        return text == null ? null : json.read(text, type, what);
    }
}
