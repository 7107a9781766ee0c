package io.hermod.bench;

import java.util.Locale;

/** The command line of {@link QueueScale}. */
record ScaleOptions(int n, String heap, int size, int domains, int sessions, int perSession, int timeoutSeconds,
                    int loadLimitSeconds, boolean keep, boolean skipDrain, boolean resumeSites) {

    static final String USAGE = """
            usage: QueueScale N [--heap 1g] [--size 1k] [--domains 2000] [--sessions 50] [--per-session 100]
                                [--timeout 900] [--load-limit S] [--keep] [--skip-drain] [--flush-only]
              N              messages to queue (one recipient each, r<i>@d<i %% domains>.example)
              --heap         the child's -Xmx (default 1g)
              --size         message size, bytes or with k/m (default 1k)
              --domains      recipient domains (default 2000)
              --sessions     concurrent SMTP sessions (default 50)
              --per-session  messages per session before it quits and reconnects (default 100)
              --timeout      seconds allowed for recovery and for the drain, each (default 900)
              --load-limit   stop loading after S seconds and go on with what was accepted (default: no limit)
              --keep         keep the run directory (spool, event log, the children's output)
              --skip-drain   stop after the recovery figures
              --flush-only   drain by flushing the domains only; by default every site is resumed first
                             (POST /api/v1/sites/{site}/resume lifts the backoff the refused connections left):
                             a delivery flushed while its site is backed off goes back to the schedule until
                             its next retry, so a flush alone may wait minutes (up to queue.retry.max)""".replace("%%", "%");

    static ScaleOptions parse(String[] args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("N is missing");
        }
        int n = positive("N", args[0].replace("_", "").replace(",", ""));
        String heap = "1g";
        int size = 1024;
        int domains = 2000;
        int sessions = 50;
        int perSession = 100;
        int timeout = 900;
        int loadLimit = 0;
        boolean keep = false;
        boolean skipDrain = false;
        boolean resumeSites = true;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--keep" -> keep = true;
                case "--skip-drain" -> skipDrain = true;
                case "--flush-only" -> resumeSites = false;
                case "--heap", "--size", "--domains", "--sessions", "--per-session", "--timeout", "--load-limit" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(a + " needs a value");
                    }
                    String v = args[++i];
                    switch (a) {
                        case "--heap" -> {
                            if (!v.matches("\\d+[kKmMgG]?")) {
                                throw new IllegalArgumentException("--heap: a size for -Xmx such as 1g or 512m, got " + v);
                            }
                            heap = v;
                        }
                        case "--size" -> size = bytes(v);
                        case "--domains" -> domains = positive(a, v);
                        case "--sessions" -> sessions = positive(a, v);
                        case "--per-session" -> perSession = positive(a, v);
                        case "--load-limit" -> loadLimit = positive(a, v);
                        default -> timeout = positive(a, v);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (size < 256) {
            throw new IllegalArgumentException("--size: at least 256 bytes (the headers take about 110), got " + size);
        }
        return new ScaleOptions(n, heap, size, domains, sessions, perSession, timeout, loadLimit, keep, skipDrain,
                resumeSites);
    }

    private static int positive(String name, String v) {
        try {
            int i = Integer.parseInt(v);
            if (i < 1) {
                throw new NumberFormatException();
            }
            return i;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": a positive whole number, got " + v);
        }
    }

    private static int bytes(String v) {
        String s = v.toLowerCase(Locale.ROOT);
        int unit = s.endsWith("k") ? 1024 : s.endsWith("m") ? 1024 * 1024 : 1;
        return positive("--size", unit == 1 ? s : s.substring(0, s.length() - 1)) * unit;
    }
}
