package io.hermod.dkim;

/**
 * Signing at acceptance, as intake sees it: one {@link Message} per message, fed the message as it
 * is stored (CRLF lines, transparency dots removed) while it streams into the spool, and asked at
 * the end for the header fields to put before it. Implementations choose the keys from the
 * message's From: domain.
 */
public interface Signing {

    /** Signs nothing. */
    Signing NONE = () -> Message.NONE;

    /** A new message; not thread-safe, one writer feeds it. */
    Message start();

    /** One message being signed. */
    interface Message {

        Message NONE = new Message() {
            @Override
            public void update(byte[] bytes, int offset, int length) {
            }

            @Override
            public byte[] finish() {
                return new byte[0];
            }
        };

        void update(byte[] bytes, int offset, int length);

        default void update(byte b) {
            update(new byte[] {b}, 0, 1);
        }

        /**
         * The {@code DKIM-Signature} header fields to prepend, CRLF-terminated; empty when nothing
         * is signed (no key for the From: domain, or a header section too large to sign).
         */
        byte[] finish();
    }
}
