package io.hermod.api;

import io.hermod.queue.QueueAdmin;
import io.hermod.spool.MessageId;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Context;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A {@link QueueAdmin} that records each call and answers as told, on a context of its own as a
 * shard would.
 */
final class FakeQueueAdmin implements QueueAdmin {

    final List<String> calls = new CopyOnWriteArrayList<>();
    volatile QueueSnapshot snapshot = new QueueSnapshot(List.of(), 0, 0, 0, 0);
    volatile int flushed;
    volatile Set<MessageId> deletable = Set.of();
    volatile RuntimeException failure;
    private final Context shard;

    FakeQueueAdmin(Context shard) {
        this.shard = shard;
    }

    @Override
    public Future<QueueSnapshot> snapshot() {
        calls.add("snapshot");
        return answer(() -> snapshot);
    }

    @Override
    public Future<Void> suspend(String domain) {
        calls.add("suspend " + domain);
        return answer(() -> null);
    }

    @Override
    public Future<Void> resume(String domain) {
        calls.add("resume " + domain);
        return answer(() -> null);
    }

    @Override
    public Future<Integer> bounce(String domain) {
        calls.add("bounce " + domain);
        return answer(() -> flushed);
    }

    @Override
    public Future<Integer> flush(String domain) {
        calls.add("flush " + domain);
        return answer(() -> flushed);
    }

    @Override
    public Future<Boolean> delete(MessageId id) {
        calls.add("delete " + id);
        return answer(() -> deletable.contains(id));
    }

    private <T> Future<T> answer(Supplier<T> value) {
        Promise<T> promise = Promise.promise();
        shard.runOnContext(v -> {
            if (failure != null) {
                promise.fail(failure);
            } else {
                promise.complete(value.get());
            }
        });
        return promise.future();
    }
}
