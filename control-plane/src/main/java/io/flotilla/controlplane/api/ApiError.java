package io.flotilla.controlplane.api;

import java.util.List;

/** The JSON body of every error the API returns. */
public record ApiError(int status, String error, List<String> details) {

    public static ApiError of(int status, String error) {
        return new ApiError(status, error, List.of());
    }
}
