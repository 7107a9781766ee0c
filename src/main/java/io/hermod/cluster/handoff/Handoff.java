package io.hermod.cluster.handoff;

import io.hermod.spool.Envelope;
import io.hermod.spool.MessageId;
import io.hermod.spool.Spool;
import io.hermod.spool.SpoolException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Moves every queued message of the spool to a peer: pages through the spool in arrival order,
 * packs messages into batches of at most {@link #MAX_BATCH_MESSAGES} messages and about
 * {@link #MAX_BATCH_BYTES} octets (a larger message goes alone), posts a batch, and once the peer
 * answers 200 (it committed every message of it) removes the batch from this pod. So a message is
 * always in at least one spool; after a crash between the peer's commit and the removal here, the
 * next hand-off sends it again and the peer recognises its transfer id.
 *
 * <p>Blocking, on a thread of its own (never an event loop): it reads RocksDB and waits for each
 * answer, and that wait is the back-pressure. Memory holds one page of envelopes and one batch.
 * The caller has stopped intake and deliveries first, so the spool holds what there is to move.
 */
public final class Handoff {

    static final int PAGE = 256;
    static final int MAX_BATCH_MESSAGES = 200;
    static final long MAX_BATCH_BYTES = 2L * 1024 * 1024;
    /** Tries per batch before the hand-off gives up: 1 + 2 + 4 + 8 + 16 s of waiting between them. */
    static final int ATTEMPTS = 6;
    static final long PROGRESS_EVERY_MESSAGES = 1000;
    static final long PROGRESS_EVERY_MILLIS = 5_000;

    private static final System.Logger LOG = System.getLogger(Handoff.class.getName());

    /** Removes a message this pod has handed over: from the queue and the spool. */
    public interface Remover {
        CompletableFuture<Void> remove(Envelope envelope);
    }

    /** Counts for the meters ({@code hermod_handoff_messages_total}). */
    public interface Observer {
        void moved(int count);

        void failed(int count);

        Observer NONE = new Observer() {
            @Override
            public void moved(int count) {
            }

            @Override
            public void failed(int count) {
            }
        };
    }

    private final Spool spool;
    private final Remover remover;
    private final Peer peer;
    private final HandoffProgress progress;
    private final Observer observer;
    private final LongSupplier clock;
    private final long retryUnitMillis;

    public Handoff(Spool spool, Remover remover, Peer peer, HandoffProgress progress, Observer observer,
                   LongSupplier clock) {
        this(spool, remover, peer, progress, observer, clock, 1000);
    }

    Handoff(Spool spool, Remover remover, Peer peer, HandoffProgress progress, Observer observer, LongSupplier clock,
            long retryUnitMillis) {
        this.spool = spool;
        this.remover = remover;
        this.peer = peer;
        this.progress = progress;
        this.observer = observer;
        this.clock = clock;
        this.retryUnitMillis = retryUnitMillis;
    }

    /** A batch the peer refused or never answered: the hand-off stops, the batch stays here. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    /**
     * Moves everything, or stops at the first batch the peer refuses for good or after {@code timeout};
     * what was not moved stays queued here. Returns null when everything moved, else why not.
     */
    public String run(Duration timeout) {
        long start = clock.getAsLong();
        long deadline = start + timeout.toMillis();
        String origin = spool.identity();
        progress.moving();
        LOG.log(System.Logger.Level.INFO, "handoff: moving the queue to {0} (spool {1})", progress.to(), origin);
        long lastLog = start;
        long loggedAt = 0;
        List<TransferredMessage> batch = new ArrayList<>();
        List<Envelope> envelopes = new ArrayList<>();
        long batchBytes = 0;
        MessageId after = null;
        try {
            while (true) {
                if (Thread.currentThread().isInterrupted() || !spool.isOpen()) {
                    throw new InterruptedException();
                }
                List<Envelope> page = spool.envelopesAfter(after, PAGE);
                if (page.isEmpty()) {
                    break;
                }
                for (Envelope envelope : page) {
                    after = envelope.id();
                    if (envelope.isFinal()) {
                        continue; // its delete is on its way
                    }
                    TransferredMessage message;
                    try {
                        message = read(origin, envelope);
                    } catch (SpoolException e) {
                        LOG.log(System.Logger.Level.WARNING, "handoff: " + envelope.id() + " stays here: " + e.getMessage());
                        progress.failed(1);
                        observer.failed(1);
                        continue;
                    }
                    if (!batch.isEmpty() && (batch.size() >= MAX_BATCH_MESSAGES
                            || batchBytes + message.bodySize() > MAX_BATCH_BYTES)) {
                        send(batch, envelopes, deadline);
                        batchBytes = 0;
                    }
                    batch.add(message);
                    envelopes.add(envelope);
                    batchBytes += message.bodySize();
                }
                long now = clock.getAsLong();
                if (progress.moved() - loggedAt >= PROGRESS_EVERY_MESSAGES || now - lastLog >= PROGRESS_EVERY_MILLIS) {
                    LOG.log(System.Logger.Level.INFO, "handoff: {0,number,#} messages moved, {1,number,#} failed",
                            progress.moved(), progress.failed());
                    loggedAt = progress.moved();
                    lastLog = now;
                }
            }
            if (!batch.isEmpty()) {
                send(batch, envelopes, deadline);
            }
        } catch (Refused e) {
            progress.failed(batch.size());
            observer.failed(batch.size());
            return finish(start, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return finish(start, "interrupted");
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "handoff: failed", e);
            return finish(start, e.toString());
        }
        return finish(start, null);
    }

    private String finish(long start, String failure) {
        long millis = Math.max(1, clock.getAsLong() - start);
        progress.finish(failure, clock.getAsLong());
        String rate = String.format(java.util.Locale.ROOT, "%.0f", progress.moved() * 1000.0 / millis);
        if (failure == null) {
            LOG.log(System.Logger.Level.INFO, "handoff: done: {0,number,#} messages moved to {1} in {2,number,#} ms"
                    + " ({3} messages/s), {4,number,#} failed", progress.moved(), progress.to(), millis, rate,
                    progress.failed());
        } else {
            LOG.log(System.Logger.Level.WARNING, "handoff: stopped: " + failure + "; " + progress.moved()
                    + " messages moved, the rest stays queued here");
        }
        return failure;
    }

    private TransferredMessage read(String origin, Envelope envelope) {
        byte[] prefix = envelope.prefixed() ? spool.chunk(envelope.id(), Spool.PREFIX_CHUNK) : null;
        List<byte[]> chunks = new ArrayList<>(envelope.chunkCount());
        for (int i = 0; i < envelope.chunkCount(); i++) {
            chunks.add(spool.chunk(envelope.id(), i));
        }
        return TransferredMessage.of(origin, envelope, prefix, chunks);
    }

    /** Sends the batch until the peer commits it, then removes it here and empties both lists. */
    private void send(List<TransferredMessage> batch, List<Envelope> envelopes, long deadline)
            throws Refused, InterruptedException {
        byte[] body = TransferCodec.encode(batch);
        String last = "";
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            if (clock.getAsLong() > deadline) {
                throw new Refused("cluster.handoff_timeout ran out");
            }
            try {
                Peer.Answer answer = peer.send(body).get(HttpPeer.ANSWER_TIMEOUT_MILLIS + 5_000, TimeUnit.MILLISECONDS);
                if (answer.status() == 200) {
                    remove(envelopes);
                    progress.moved(batch.size());
                    observer.moved(batch.size());
                    batch.clear();
                    envelopes.clear();
                    return;
                }
                last = "the peer answered " + answer.status() + " " + abbreviate(answer.body());
                if (answer.status() == 413) {
                    skipTooLarge(batch, envelopes, deadline, last);
                    return;
                }
                if (!retryable(answer.status())) {
                    throw new Refused(last);
                }
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                last = "cannot reach the peer: " + cause;
            }
            if (attempt < ATTEMPTS) {
                long wait = retryUnitMillis << (attempt - 1);
                LOG.log(System.Logger.Level.WARNING, "handoff: " + last + "; trying again in " + wait + " ms");
                Thread.sleep(wait);
            }
        }
        throw new Refused(last);
    }

    /**
     * The peer takes smaller messages than this pod ({@code smtp.max_message_size}): a message it
     * refuses as too large stays here, counted as failed, and the others go one by one.
     */
    private void skipTooLarge(List<TransferredMessage> batch, List<Envelope> envelopes, long deadline, String why)
            throws Refused, InterruptedException {
        List<TransferredMessage> messages = new ArrayList<>(batch);
        List<Envelope> owners = new ArrayList<>(envelopes);
        batch.clear();
        envelopes.clear();
        if (messages.size() == 1) {
            LOG.log(System.Logger.Level.WARNING, "handoff: " + owners.get(0).id() + " stays here: " + why);
            progress.failed(1);
            observer.failed(1);
            return;
        }
        for (int i = 0; i < messages.size(); i++) {
            send(new ArrayList<>(List.of(messages.get(i))), new ArrayList<>(List.of(owners.get(i))), deadline);
        }
    }

    private void remove(List<Envelope> envelopes) throws InterruptedException, Refused {
        List<CompletableFuture<Void>> removals = new ArrayList<>(envelopes.size());
        for (Envelope envelope : envelopes) {
            removals.add(remover.remove(envelope));
        }
        try {
            CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // The peer has them: a message not removed here is sent again by the next hand-off,
            // and the peer recognises it.
            throw new Refused("cannot remove handed-over messages from the spool: " + e);
        }
    }

    /** 408, 429 and 5xx may pass; anything else (400, 401, 409...) says the batch or the setup is wrong (413: see skipTooLarge). */
    static boolean retryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }
}
