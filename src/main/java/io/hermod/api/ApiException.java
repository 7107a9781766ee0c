package io.hermod.api;

/**
 * A request the API refuses, with the HTTP status and the reason sent back as
 * {@code {"error": reason}}. The reason names the field or parameter at fault.
 */
final class ApiException extends RuntimeException {

    private final int status;

    ApiException(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    static ApiException badRequest(String reason) {
        return new ApiException(400, reason);
    }

    int status() {
        return status;
    }
}
