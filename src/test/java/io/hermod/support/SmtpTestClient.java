package io.hermod.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A blocking SMTP client for tests that need what real clients hide: raw bytes on the wire and
 * the text of every reply (the queue id of the 250).
 */
public final class SmtpTestClient implements AutoCloseable {

    /** One reply: its code and its lines without the code. */
    public record Response(int code, List<String> lines) {
        public String text() {
            return String.join("\n", lines);
        }

        /** The id in {@code 250 2.0.0 Ok: queued as ID}. */
        public String queueId() {
            String last = lines.get(lines.size() - 1);
            int at = last.indexOf("queued as ");
            if (code != 250 || at < 0) {
                throw new IllegalStateException("not a queued reply: " + this);
            }
            return last.substring(at + "queued as ".length()).trim();
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public SmtpTestClient(String host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(30_000);
        in = new java.io.BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public Response greeting() throws IOException {
        return read();
    }

    public Response command(String line) throws IOException {
        send(line + "\r\n");
        return read();
    }

    public void send(String raw) throws IOException {
        send(raw.getBytes(StandardCharsets.UTF_8));
    }

    public void send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** Sends one message in lock step; {@code data} is sent as is and must end with CRLF.CRLF. */
    public Response sendMail(String from, List<String> to, byte[] data) throws IOException {
        expect(command("MAIL FROM:<" + from + ">"), 250);
        for (String rcpt : to) {
            expect(command("RCPT TO:<" + rcpt + ">"), 250);
        }
        expect(command("DATA"), 354);
        send(data);
        return read();
    }

    public Response read() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine();
            if (line.length() < 3) {
                throw new IOException("bad reply line: " + line);
            }
            lines.add(line.length() > 4 ? line.substring(4) : "");
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new Response(Integer.parseInt(line.substring(0, 3)), lines);
            }
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        throw new IOException("connection closed by server");
    }

    public static Response expect(Response response, int code) throws IOException {
        if (response.code() != code) {
            throw new IOException("expected " + code + " but got " + response);
        }
        return response;
    }

    /** Reads until the server closes; true if it did. */
    public boolean awaitClose() throws IOException {
        return in.read() == -1;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
