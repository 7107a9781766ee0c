package io.hermod.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The load of {@link QueueScale}: {@code n} messages of {@code size} bytes, message {@code i} to
 * {@code r<i>@d<i % domains>.example}, over {@code sessions} concurrent SMTP sessions of up to
 * {@code perSession} messages each. MAIL, RCPT and DATA go in one write when the server offers
 * PIPELINING (as {@code hermod bench} sends them), the body after the 354. A message answered 4xx
 * is sent again later; the times at which 10 % and 90 % of the messages had been accepted give the
 * rate into an empty queue and the rate with nearly all of the queue already there.
 */
final class ScaleLoad {

    /** What the load did; times in nanoseconds from {@link System#nanoTime}. */
    record Result(int accepted, int failed, long tempFailures, long ioErrors, long startNanos, long tenPercentNanos,
                  int tenPercentCount, long ninetyPercentNanos, int ninetyPercentCount, long endNanos) {

        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }

        double rate() {
            return accepted / seconds();
        }

        /** Messages per second over about the first 10 % accepted (the queue nearly empty, the JIT still warming up). */
        double firstTenthRate() {
            return tenPercentCount / ((tenPercentNanos - startNanos) / 1e9);
        }

        /** Messages per second over about the last 10 % accepted (90 % of the queue already there). */
        double lastTenthRate() {
            return (accepted - ninetyPercentCount) / ((endNanos - ninetyPercentNanos) / 1e9);
        }
    }

    private static final int MAX_CONSECUTIVE_IO_ERRORS = 5;

    private final String host;
    private final int port;
    private final int n;
    private final int domains;
    private final int sessions;
    private final int perSession;
    private final byte[] filler;
    private final Runnable childCheck;

    private final AtomicInteger next = new AtomicInteger();
    private final ConcurrentLinkedQueue<Integer> again = new ConcurrentLinkedQueue<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicLong tempFailures = new AtomicLong();
    private final AtomicLong ioErrors = new AtomicLong();
    /** When the accepted count reached k × {@link #step} (slot k): the first and last 10 % of whatever was accepted. */
    private final AtomicLongArray milestones;
    private final int step;
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private volatile boolean stopped;

    /** @param childCheck throws when the server has gone away, so a dead server fails the load at once */
    ScaleLoad(String host, int port, int n, int size, int domains, int sessions, int perSession, Runnable childCheck) {
        this.host = host;
        this.port = port;
        this.n = n;
        this.domains = domains;
        this.sessions = sessions;
        this.perSession = perSession;
        this.filler = filler(size);
        this.childCheck = childCheck;
        this.step = Math.max(1, n / 1000);
        this.milestones = new AtomicLongArray(n / step + 1);
    }

    int accepted() {
        return accepted.get();
    }

    /** No new messages after this: the sessions finish the one they are sending and quit. */
    void stop() {
        stopped = true;
    }

    Result run() throws InterruptedException {
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            Thread t = new Thread(this::session, "queue-scale-session-" + s);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        long end = System.nanoTime();
        if (fatal.get() != null) {
            throw new BenchFailure("load failed after " + accepted.get() + " accepted messages: " + fatal.get().getMessage(),
                    fatal.get());
        }
        milestones.set(0, start);
        int total = accepted.get();
        int tenSlot = Math.max(1, total / 10 / step);
        int ninetySlot = (total - total / 10) / step;
        if (total < 10 * step || milestones.get(tenSlot) == 0) {
            tenSlot = total / step; // too few messages for tenths: the whole load
            ninetySlot = 0;
        }
        return new Result(total, failed.get(), tempFailures.get(), ioErrors.get(), start,
                tenSlot == 0 ? end : milestones.get(tenSlot), tenSlot == 0 ? total : tenSlot * step,
                milestones.get(ninetySlot), ninetySlot * step, end);
    }

    private void session() {
        int consecutiveIoErrors = 0;
        while (fatal.get() == null) {
            Integer current = null;
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 10_000);
                socket.setSoTimeout(120_000);
                socket.setTcpNoDelay(true);
                InputStream in = new BufferedInputStream(socket.getInputStream());
                OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192);
                expect(reply(in), 220, "greeting");
                send(out, "EHLO queue-scale.example\r\n");
                String ehlo = expect(reply(in), 250, "EHLO");
                boolean pipelining = ehlo.toUpperCase(Locale.ROOT).contains("PIPELINING");
                for (int m = 0; m < perSession && fatal.get() == null; m++) {
                    current = take();
                    if (current == null) {
                        send(out, "QUIT\r\n");
                        return;
                    }
                    sendOne(in, out, current, pipelining);
                    current = null;
                    consecutiveIoErrors = 0;
                }
                send(out, "QUIT\r\n");
                reply(in);
            } catch (IOException e) {
                ioErrors.incrementAndGet();
                if (current != null) {
                    again.add(current); // may be accepted twice if the 250 was lost: QueueScale compares the counts
                }
                try {
                    childCheck.run();
                } catch (RuntimeException dead) {
                    fatal.compareAndSet(null, dead);
                    return;
                }
                if (++consecutiveIoErrors >= MAX_CONSECUTIVE_IO_ERRORS) {
                    fatal.compareAndSet(null, new BenchFailure(MAX_CONSECUTIVE_IO_ERRORS
                            + " connection failures in a row to " + host + ":" + port + ", the last: " + e, e));
                    return;
                }
                pause(200);
            } catch (RuntimeException e) {
                fatal.compareAndSet(null, e);
                return;
            }
        }
    }

    /** The next message to send: one to send again first, else a new one, else null when all are done. */
    private Integer take() {
        if (stopped) {
            return null;
        }
        Integer retry = again.poll();
        if (retry != null) {
            return retry;
        }
        int i = next.getAndIncrement();
        return i < n ? i : null;
    }

    private void sendOne(InputStream in, OutputStream out, int i, boolean pipelining) throws IOException {
        String rcpt = "r" + i + "@d" + (i % domains) + ".example";
        String mail = "MAIL FROM:<bench@queue-scale.example>\r\n";
        String rcptTo = "RCPT TO:<" + rcpt + ">\r\n";
        String[] replies = new String[3];
        if (pipelining) {
            send(out, mail + rcptTo + "DATA\r\n");
            for (int r = 0; r < 3; r++) {
                replies[r] = reply(in);
            }
        } else {
            send(out, mail);
            replies[0] = reply(in);
            send(out, rcptTo);
            replies[1] = reply(in);
            send(out, "DATA\r\n");
            replies[2] = reply(in);
        }
        if (!replies[2].startsWith("354")) {
            send(out, "RSET\r\n");
            reply(in);
            refused(i, replies[0].startsWith("4") || replies[1].startsWith("4") || replies[2].startsWith("4"),
                    String.join(" / ", replies));
            return;
        }
        out.write(("From: <bench@queue-scale.example>\r\nTo: <" + rcpt + ">\r\nSubject: queue-scale " + i
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(filler);
        out.flush();
        String end = reply(in);
        if (end.startsWith("250")) {
            count(accepted.incrementAndGet());
        } else {
            refused(i, end.startsWith("4"), end);
        }
    }

    private void refused(int i, boolean temporary, String reply) {
        if (temporary) {
            if (tempFailures.incrementAndGet() > Math.max(1000, n)) {
                throw new BenchFailure("more than " + Math.max(1000, n) + " temporary failures; the last: " + reply);
            }
            again.add(i);
            pause(100);
        } else {
            failed.incrementAndGet();
            System.err.println("queue-scale: message " + i + " refused: " + reply);
        }
    }

    private void count(int acceptedSoFar) {
        if (acceptedSoFar % step == 0 && acceptedSoFar / step < milestones.length()) {
            milestones.set(acceptedSoFar / step, System.nanoTime());
        }
    }

    private static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String expect(String reply, int code, String what) throws IOException {
        if (!reply.startsWith(Integer.toString(code))) {
            throw new IOException(what + ": expected " + code + ", got " + reply);
        }
        return reply;
    }

    /** One reply, its lines joined with " | ". */
    private static String reply(InputStream in) throws IOException {
        StringBuilder all = new StringBuilder();
        while (true) {
            String line = line(in);
            if (line.length() < 3) {
                throw new IOException("bad reply line: " + line);
            }
            all.append(all.length() == 0 ? "" : " | ").append(line);
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return all.toString();
            }
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String s = line.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
        throw new IOException("connection closed by the server");
    }

    /** The body after the headers: lines of x up to about {@code size} bytes in all, then the end of data. */
    private static byte[] filler(int size) {
        int headers = 110; // what the From, To and Subject lines take, about
        StringBuilder sb = new StringBuilder();
        String line = "x".repeat(76) + "\r\n";
        while (sb.length() + line.length() <= size - headers) {
            sb.append(line);
        }
        int rest = size - headers - sb.length();
        if (rest > 2) {
            sb.append("y".repeat(rest - 2)).append("\r\n");
        }
        sb.append(".\r\n");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
