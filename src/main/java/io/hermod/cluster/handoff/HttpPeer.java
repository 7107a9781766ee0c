package io.hermod.cluster.handoff;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * A peer's {@code POST /api/v1/admin/transfer} over HTTP(S), with its bearer token. One keep-alive
 * connection: batches go one at a time, each waiting for the answer to the one before.
 */
public final class HttpPeer implements Peer, AutoCloseable {

    public static final String TRANSFER_PATH = "/api/v1/admin/transfer";
    /** A batch is committed with one fsync on the peer; a minute covers a slow disk, not a dead peer. */
    static final long ANSWER_TIMEOUT_MILLIS = 60_000;

    private final HttpClient client;
    private final String url;
    private final String token;

    public HttpPeer(Vertx vertx, URI base, String token) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(10_000).setKeepAlive(true)
                .setVerifyHost(true));
        String text = base.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        this.url = text + TRANSFER_PATH;
        this.token = token;
    }

    @Override
    public CompletableFuture<Answer> send(byte[] batch) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                .setIdleTimeout(ANSWER_TIMEOUT_MILLIS)
                .putHeader("content-type", TransferCodec.CONTENT_TYPE);
        if (token != null) {
            options.putHeader("authorization", "Bearer " + token);
        }
        return client.request(options)
                .compose(request -> request.send(Buffer.buffer(batch)))
                .compose(response -> response.body().map(body -> new Answer(response.statusCode(), body.toString())))
                .toCompletionStage().toCompletableFuture();
    }

    /** The URL batches go to. */
    public String url() {
        return url;
    }

    @Override
    public void close() {
        client.close();
    }
}
