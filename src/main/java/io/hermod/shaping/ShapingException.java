package io.hermod.shaping;

/** A shaping file that cannot be used; the message names the file and the key. */
public final class ShapingException extends RuntimeException {

    public ShapingException(String message) {
        super(message);
    }
}
