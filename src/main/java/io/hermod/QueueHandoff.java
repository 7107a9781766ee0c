package io.hermod;

import io.hermod.cluster.handoff.Handoff;
import io.hermod.cluster.handoff.HandoffControl;
import io.hermod.cluster.handoff.HandoffProgress;
import io.hermod.cluster.handoff.HttpPeer;
import io.hermod.cluster.handoff.SeenTransfers;
import io.hermod.cluster.handoff.TransferReceiver;
import io.hermod.config.HermodConfig;
import io.hermod.metrics.HermodMetrics;
import io.hermod.queue.ShardedQueue;
import io.hermod.spool.Spool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Stopping intake and handing the queue over, for one running Hermod: the API's
 * {@code POST /api/v1/admin/handoff} and SIGTERM with {@code cluster.handoff_to} both come here.
 * Intake stops once (readiness 503, listeners closed, sessions finish their transaction, HTTP
 * injection 503, no new delivery starts), whichever asks first; then, for a hand-off, the spool's
 * queue is moved to the peer on a thread of its own.
 */
final class QueueHandoff implements HandoffControl {

    private static final System.Logger LOG = System.getLogger(QueueHandoff.class.getName());

    private final HermodConfig config;
    private final Vertx vertx;
    private final Spool spool;
    private final ShardedQueue queue;
    private final HermodMetrics metrics;
    private final Supplier<Future<?>> stopIntake;
    private final HandoffProgress progress = new HandoffProgress();
    private final TransferReceiver receiver;
    private CompletableFuture<Void> intakeStopped;
    private Thread running;

    /** @param stopIntake closes the listeners and stops deliveries; completes when those in flight are done */
    QueueHandoff(HermodConfig config, Vertx vertx, Spool spool, ShardedQueue queue, HermodMetrics metrics,
                 Supplier<Future<?>> stopIntake) {
        this.config = config;
        this.vertx = vertx;
        this.spool = spool;
        this.queue = queue;
        this.metrics = metrics;
        this.stopIntake = stopIntake;
        this.receiver = new TransferReceiver(spool, queue.acceptance(), new SeenTransfers(SeenTransfers.DEFAULT_CAPACITY),
                spool.identity());
        metrics.registerHandoff(this::remaining);
    }

    /**
     * Stops intake and deliveries (once; later calls wait for the same) and waits up to
     * {@code shutdown.grace} for transactions and deliveries in flight. Blocking.
     */
    void stopIntakeAndWait() {
        CompletableFuture<Void> stopped;
        synchronized (this) {
            if (intakeStopped == null) {
                Duration grace = config.shutdown().grace();
                LOG.log(System.Logger.Level.INFO, "shutdown: intake closed, waiting up to " + grace
                        + " for transactions and deliveries in flight");
                intakeStopped = stopIntake.get().toCompletionStage().toCompletableFuture().thenApply(v -> null);
            }
            stopped = intakeStopped;
        }
        Duration grace = config.shutdown().grace();
        try {
            stopped.get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "shutdown: grace of " + grace + " ran out; what is unfinished stays queued");
        } catch (ExecutionException e) {
            LOG.log(System.Logger.Level.WARNING, "shutdown: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized boolean intakeClosed() {
        return intakeStopped != null;
    }

    @Override
    public synchronized boolean start(URI to) {
        if (progress.running()) {
            return false;
        }
        begin(to);
        running = new Thread(() -> move(to), "hermod-handoff");
        running.start();
        return true;
    }

    /**
     * SIGTERM: waits for a hand-off the API started, then, with {@code cluster.handoff_to}, hands
     * over what is still queued. Blocking; returns null when nothing is left here, else why.
     */
    String onTerminate() {
        Thread started;
        synchronized (this) {
            started = running;
        }
        if (started != null) {
            try {
                started.join(config.handoff().timeout().plus(config.shutdown().grace()).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
        Optional<URI> to = config.handoff().to();
        if (to.isEmpty()) {
            return null;
        }
        synchronized (this) {
            if (progress.running()) {
                return "a hand-off is still running";
            }
            begin(to.get());
        }
        return move(to.get());
    }

    private void begin(URI to) {
        progress.start(to, System.currentTimeMillis());
        LOG.log(System.Logger.Level.INFO, "handoff: to {0}: stopping intake; {1,number,#} messages queued", to,
                queue.messages());
    }

    private String move(URI to) {
        stopIntakeAndWait();
        String token = config.handoff().token().or(() -> config.http().token()).orElse(null);
        try (HttpPeer peer = new HttpPeer(vertx, to, token)) {
            return new Handoff(spool, envelope -> queue.delete(envelope.id()).toCompletionStage().toCompletableFuture()
                    .thenCompose(found -> found ? CompletableFuture.completedFuture(null) : spool.delete(envelope)),
                    peer, progress, new Handoff.Observer() {
                        @Override
                        public void moved(int count) {
                            metrics.handoffMessages("moved", count);
                        }

                        @Override
                        public void failed(int count) {
                            metrics.handoffMessages("failed", count);
                        }
                    }, System::currentTimeMillis).run(config.handoff().timeout());
        }
    }

    /**
     * Stops a running hand-off (Hermod is closing without a drain: SIGINT, a second SIGTERM) and
     * waits for its thread, so the spool is not closed under it. What was not moved stays queued.
     */
    void stop() {
        Thread started;
        synchronized (this) {
            started = running;
        }
        if (started == null || !started.isAlive()) {
            return;
        }
        started.interrupt();
        try {
            started.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public HandoffProgress progress() {
        return progress;
    }

    @Override
    public long remaining() {
        return progress.state() == HandoffProgress.State.IDLE ? 0 : queue.messages();
    }

    @Override
    public Optional<URI> configuredPeer() {
        return config.handoff().to();
    }

    @Override
    public TransferReceiver receiver() {
        return receiver;
    }

    @Override
    public void received(TransferReceiver.Received batch) {
        metrics.handoffReceived("committed", batch.committed());
        metrics.handoffReceived("duplicate", batch.duplicates());
    }
}
