package io.hermod.support;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy in front of an SMTP server that records what clients send, so a test can compare
 * the message bytes a real client put on the wire with what the server stored.
 */
public final class RecordingProxy implements AutoCloseable {

    private final NetServer server;
    private final List<ByteArrayOutputStream> connections;

    private RecordingProxy(NetServer server, List<ByteArrayOutputStream> connections) {
        this.server = server;
        this.connections = connections;
    }

    public static RecordingProxy start(Vertx vertx, String host, int port) throws Exception {
        List<ByteArrayOutputStream> recorded = new ArrayList<>();
        NetServer server = vertx.createNetServer();
        var client = vertx.createNetClient();
        server.connectHandler(inbound -> {
            inbound.pause();
            ByteArrayOutputStream record = new ByteArrayOutputStream();
            synchronized (recorded) {
                recorded.add(record);
            }
            client.connect(port, host).onSuccess(outbound -> {
                inbound.handler(buffer -> {
                    synchronized (record) {
                        record.writeBytes(buffer.getBytes());
                    }
                    outbound.write(buffer);
                });
                outbound.handler(inbound::write);
                inbound.closeHandler(v -> outbound.close());
                outbound.closeHandler(v -> inbound.close());
                inbound.resume();
            }).onFailure(e -> inbound.close());
        });
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return new RecordingProxy(server, recorded);
    }

    public int port() {
        return server.actualPort();
    }

    /**
     * Every message payload the clients sent: the bytes after each {@code DATA} command up to the
     * terminating CRLF.CRLF, dot-unstuffed, with the final CRLF of the content kept.
     */
    public List<byte[]> messages() {
        List<byte[]> messages = new ArrayList<>();
        List<ByteArrayOutputStream> snapshot;
        synchronized (connections) {
            snapshot = List.copyOf(connections);
        }
        for (ByteArrayOutputStream record : snapshot) {
            byte[] bytes;
            synchronized (record) {
                bytes = record.toByteArray();
            }
            extract(bytes, messages);
        }
        return messages;
    }

    private static void extract(byte[] stream, List<byte[]> messages) {
        int pos = 0;
        while (pos < stream.length) {
            int lf = indexOf(stream, (byte) '\n', pos);
            if (lf < 0) {
                return;
            }
            String line = new String(stream, pos, lf - pos, StandardCharsets.US_ASCII).trim();
            pos = lf + 1;
            if (line.equalsIgnoreCase("DATA")) {
                int end = find(stream, "\r\n.\r\n".getBytes(StandardCharsets.US_ASCII), pos);
                if (end < 0) {
                    return;
                }
                messages.add(unstuff(Arrays.copyOfRange(stream, pos, end + 2)));
                pos = end + 5;
            }
        }
    }

    private static byte[] unstuff(byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length);
        boolean lineStart = true;
        for (byte b : payload) {
            if (!(lineStart && b == '.')) {
                out.write(b);
            }
            lineStart = b == '\n';
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int find(byte[] bytes, byte[] needle, int from) {
        outer:
        for (int i = from; i <= bytes.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
