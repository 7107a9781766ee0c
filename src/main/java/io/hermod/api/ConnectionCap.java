package io.hermod.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;

/**
 * Holds the HTTP server to {@code http.max_connections} open connections, which Vert.x cannot do
 * by itself (it has no per-server cap). Set as the server's connection handler: it runs for each
 * accepted connection before any of its bytes are read, and a connection over the cap is closed
 * there and then, without an answer (answering would mean reading its request, the work the cap
 * is there to refuse). The slot is given back when the connection closes, however it closes:
 * by the client, by {@code http.idle_timeout}, or at shutdown.
 */
final class ConnectionCap implements Handler<HttpConnection> {

    private final Slots slots;

    ConnectionCap(int maxConnections) {
        this.slots = new Slots(maxConnections);
    }

    @Override
    public void handle(HttpConnection connection) {
        if (!slots.tryTake()) {
            connection.close();
            return;
        }
        connection.closeHandler(closed -> slots.giveBack());
    }
}
