package io.flotilla.controlplane.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one reader and writer of the control plane's JSON columns (a workload's spec, a cluster's capacity and
 * taints, a stored placement decision). A column that no longer reads is a broken database, not bad input: it
 * fails as an {@link IllegalStateException} naming what was stored.
 */
@ApplicationScoped
public class StoredJson {

    /** The length of the JSON columns (VARCHAR(65535)). */
    public static final int MAX_CHARS = 65_535;

    private final ObjectMapper json;

    public StoredJson(ObjectMapper json) {
        this.json = json;
    }

    public <T> T read(String text, Class<T> type, String what) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored " + what + " is not readable", e);
        }
    }

    public String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** {@code value}, a user's, when it fits its column as JSON; refused as invalid input when it is longer. */
    public <T> T checkBounded(T value, String what) {
        int length = write(value).length();
        if (length > MAX_CHARS) {
            throw new FleetException(FleetException.Kind.INVALID, what + " is " + length
                    + " characters long as JSON; the limit is " + MAX_CHARS);
        }
        return value;
    }
}
