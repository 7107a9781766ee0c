package io.hermod.intake;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** The trace header of RFC 5321 4.4 that Hermod prepends to every message it accepts. */
public final class ReceivedHeader {

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);

    /** The last date printed: it changes once a second, and formatting it is most of a header's cost. */
    private record Stamp(long second, ZoneOffset offset, String text) {
    }

    private static volatile Stamp lastStamp = new Stamp(Long.MIN_VALUE, ZoneOffset.UTC, "");

    private ReceivedHeader() {
    }

    /**
     * The with clause of RFC 3848 and RFC 6531: {@code SMTP}, {@code ESMTP} or {@code UTF8SMTP},
     * plus {@code S} when the session was encrypted (STARTTLS or implicit TLS) and {@code A} when the
     * client authenticated: {@code ESMTPS}, {@code ESMTPSA}, {@code UTF8SMTPSA}.
     */
    static String protocol(boolean extended, boolean smtpUtf8, boolean secure, boolean authenticated) {
        String base = smtpUtf8 ? "UTF8SMTP" : extended || secure || authenticated ? "ESMTP" : "SMTP";
        return base + (secure ? "S" : "") + (authenticated ? "A" : "");
    }

    /**
     * @param protocol from {@link #protocol}
     */
    static byte[] build(String clientName, InetAddress client, String hostname, String protocol, String id,
                        List<String> recipients, ZonedDateTime now) {
        StringBuilder sb = new StringBuilder(200);
        sb.append("Received: from ").append(printable(clientName))
                .append(" (").append(addressLiteral(client)).append(")\r\n")
                .append("\tby ").append(hostname).append(" (Hermod) with ").append(protocol)
                .append(" id ").append(id);
        // One recipient may be named; naming several would disclose Bcc recipients to each other.
        if (recipients.size() == 1) {
            sb.append("\r\n\tfor <").append(recipients.get(0)).append('>');
        }
        sb.append(";\r\n\t").append(date(now)).append("\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The header of a message injected over the HTTP API ({@code POST /api/v1/messages}). There is
     * no HELO name, so the from clause says {@code api}, with the HTTP client's address as the
     * TCP-info. The with clause says {@code HTTP}: RFC 5321 4.4 allows any Atom there and asks for
     * registered names, but naming an SMTP variant would claim a conversation that never happened,
     * and a reader of the header learns more from the truth. No for clause: the request may name
     * many recipients, and naming one would be arbitrary.
     */
    public static byte[] forHttp(InetAddress client, String hostname, String id, ZonedDateTime now) {
        String header = "Received: from api (" + addressLiteral(client) + ")\r\n"
                + "\tby " + hostname + " (Hermod) with HTTP id " + id + ";\r\n"
                + "\t" + date(now) + "\r\n";
        return header.getBytes(StandardCharsets.UTF_8);
    }

    static String date(ZonedDateTime now) {
        Stamp last = lastStamp;
        long second = now.toEpochSecond();
        if (last.second() == second && last.offset().equals(now.getOffset())) {
            return last.text();
        }
        String text = DATE.format(now);
        lastStamp = new Stamp(second, now.getOffset(), text);
        return text;
    }

    static String addressLiteral(InetAddress address) {
        if (address instanceof Inet6Address) {
            String text = address.getHostAddress();
            int zone = text.indexOf('%');
            return "[IPv6:" + (zone < 0 ? text : text.substring(0, zone)) + "]";
        }
        return "[" + address.getHostAddress() + "]";
    }

    /** The HELO name is the client's word: keep it to printable ASCII so it cannot break the header. */
    private static String printable(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length() && sb.length() < 255; i++) {
            char c = name.charAt(i);
            sb.append(c > 32 && c < 127 && c != '(' && c != ')' && c != ';' ? c : '_');
        }
        return sb.isEmpty() ? "unknown" : sb.toString();
    }
}
