package io.hermod.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One connection to an HTTP server on loopback, spoken in raw bytes: what a broken or hostile
 * client sends, byte for byte, with no client library to tidy it up. Public for {@code ApiIT}.
 */
public final class RawHttp implements AutoCloseable {

    private final Socket socket;

    private RawHttp(Socket socket) {
        this.socket = socket;
    }

    public static RawHttp connect(int port) throws IOException {
        return new RawHttp(new Socket("127.0.0.1", port));
    }

    /** Sends the text as ISO-8859-1, so each char is one octet (write {@code \r\n} yourself). */
    public RawHttp send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /** Closes the sending half (FIN): the server sees the request end where it stands. */
    public void closeOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Aborts the connection with a TCP RST instead of a FIN. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /**
     * Reads until the server closes the connection (a FIN or a reset) and returns what came
     * before; fails if the connection is still open after {@code within}.
     */
    public String readUntilClosed(Duration within) throws IOException {
        socket.setSoTimeout((int) within.toMillis());
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            InputStream in = socket.getInputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open for " + within + "; received: "
                    + received.toString(StandardCharsets.ISO_8859_1));
        } catch (SocketException e) {
            // a reset: closed as well
        }
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Reads one response whose body has a Content-Length (Vert.x gives every non-chunked answer
     * one); if the server closes the connection first, returns what came before (no status).
     */
    public String readResponse(Duration within) throws IOException {
        socket.setSoTimeout((int) within.toMillis());
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try {
            while (!received.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return received.toString(StandardCharsets.ISO_8859_1);
                }
                received.write(b);
            }
        } catch (SocketException e) {
            return received.toString(StandardCharsets.ISO_8859_1); // reset
        }
        int length = 0;
        for (String line : received.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        received.write(in.readNBytes(length));
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    /** The status code of a raw response, or -1 if there is none (the server only closed). */
    public static int status(String response) {
        return response.startsWith("HTTP/") && response.length() >= 12 ? Integer.parseInt(response.substring(9, 12)) : -1;
    }

    public static String body(String response) {
        int headEnd = response.indexOf("\r\n\r\n");
        return headEnd < 0 ? "" : response.substring(headEnd + 4);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
