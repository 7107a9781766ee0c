package io.hermod.dkim;

import java.time.Clock;
import java.util.List;

/**
 * {@link Signing} with the configured keys: each message is signed with the keys of its From:
 * domain (or a parent's, or the default signer's), chosen when its header section ends, and told
 * to an {@link Observer} (the meters) as signed, unsigned or failed. A failure to sign is not a
 * reason to refuse mail: the message goes out unsigned and the failure is logged and counted.
 */
public final class KeyedSigning implements Signing {

    private static final System.Logger LOG = System.getLogger(KeyedSigning.class.getName());

    /** Told the outcome of each message; called on the thread that finishes the message. */
    public interface Observer {
        Observer NONE = new Observer() {
            @Override
            public void signed(List<Algorithm> algorithms) {
            }

            @Override
            public void unsigned() {
            }

            @Override
            public void failed() {
            }
        };

        void signed(List<Algorithm> algorithms);

        /** No key for the message's From: domain and no default signer. */
        void unsigned();

        /** A key could not sign, or the header section was too large to sign. */
        void failed();
    }

    private final DkimKeys keys;
    private final Clock clock;
    private final Observer observer;

    public KeyedSigning(DkimKeys keys, Clock clock, Observer observer) {
        this.keys = keys;
        this.clock = clock;
        this.observer = observer;
    }

    @Override
    public Message start() {
        MessageSigner signer = MessageSigner.forFromDomain(keys, clock);
        return new Message() {
            @Override
            public void update(byte[] bytes, int offset, int length) {
                signer.update(bytes, offset, length);
            }

            @Override
            public byte[] finish() {
                byte[] fields = signer.finish();
                switch (signer.status()) {
                    case SIGNED -> {
                        observer.signed(signer.keys().stream().map(SigningKey::algorithm).toList());
                        signer.problem().ifPresent(p -> LOG.log(System.Logger.Level.WARNING,
                                "dkim: signed with fewer keys than configured: " + p));
                    }
                    case NO_KEYS -> observer.unsigned();
                    default -> {
                        observer.failed();
                        LOG.log(System.Logger.Level.WARNING, "dkim: message sent unsigned ("
                                + signer.status() + "): " + signer.problem().orElse("") + " From domain "
                                + signer.fromDomain().orElse("(none)"));
                    }
                }
                return fields;
            }
        };
    }
}
