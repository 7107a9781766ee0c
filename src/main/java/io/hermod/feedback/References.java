package io.hermod.feedback;

import io.hermod.spool.MessageId;
import io.hermod.spool.Suppressions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The two references Hermod hands out with outbound mail and reads back from what returns, both
 * authenticated with HMAC-SHA256 under {@code feedback.secret}:
 *
 * <ul>
 *   <li>the {@code X-Hermod-Ref} header, added at acceptance: the message id, the recipient when the
 *       message has exactly one (naming one of several would tell each recipient about the others,
 *       as the {@code Received:} header avoids too), and the envelope sender's domain (the scope of a
 *       suppression entry when {@code suppression.scope} is {@code sender_domain}). A header has
 *       room, so the recipient is carried whole and a report needs nothing from the spool, which
 *       may have forgotten the message long ago. Form: {@code 1} then base64url (no padding) of
 *       id (8) | recipient length (2) | recipient (UTF-8) | domain length (2) | domain | MAC (12).
 *   <li>the VERP local part of {@code delivery.return_path}: {@code b-} then base32 (lower case, no
 *       padding) of flags (1) | id (8) | recipient tag (4) | MAC (8), 36 characters in all, well
 *       within the 64 octets RFC 5321 allows a local part: an address of up to 254 octets would not
 *       fit, so the recipient is a 4-byte keyed hash (a tag) of the lower-cased address, set only
 *       when the transaction carried one recipient (flag bit 0). A bounce's own
 *       {@code Final-Recipient} is then accepted when its tag matches; with no tag every recipient
 *       the bounce names is taken, since the MAC already proves the message was Hermod's. Base32
 *       because some servers fold the case of local parts.
 * </ul>
 *
 * A reference whose MAC does not verify is reported as forged, never matched. The two forms use
 * different MAC inputs (a purpose byte), so one cannot be replayed as the other.
 */
public final class References {

    /** The header field name. */
    public static final String HEADER = "X-Hermod-Ref";
    static final String VERP_PREFIX = "b-";

    private static final byte HEADER_PURPOSE = 'H';
    private static final byte VERP_PURPOSE = 'V';
    private static final byte TAG_PURPOSE = 'R';
    private static final int HEADER_MAC = 12;
    private static final int VERP_MAC = 8;
    private static final int TAG = 4;
    private static final int VERP_BYTES = 1 + 8 + TAG + VERP_MAC;
    /** A header value longer than this is not ours (an address is at most 254 octets, a domain 253). */
    private static final int MAX_HEADER_VALUE = 1200;
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private final SecretKeySpec key;

    public References(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** What an {@code X-Hermod-Ref} names. */
    public record Reference(MessageId id, Optional<String> recipient, String senderDomain) {
    }

    /** What a VERP local part names: the message, and the recipient's tag when it named one. */
    public record ReturnToken(MessageId id, Optional<Integer> recipientTag) {
    }

    /** The result of reading a reference: verified, forged (bad MAC), or not a reference of ours at all. */
    public sealed interface Read<T> {
        record Verified<T>(T value) implements Read<T> {
        }

        record Forged<T>(String why) implements Read<T> {
        }

        record Absent<T>() implements Read<T> {
        }
    }

    // ---- X-Hermod-Ref ----

    /** The header field, CRLF-terminated, for a message from {@code sender} to {@code recipients}. */
    public byte[] headerField(MessageId id, String sender, List<String> recipients) {
        return (HEADER + ": " + headerValue(id, sender, recipients) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    String headerValue(MessageId id, String sender, List<String> recipients) {
        byte[] recipient = recipients.size() == 1 ? recipients.get(0).getBytes(StandardCharsets.UTF_8) : new byte[0];
        byte[] domain = Suppressions.domainOf(sender).getBytes(StandardCharsets.UTF_8);
        ByteBuffer payload = ByteBuffer.allocate(8 + 2 + recipient.length + 2 + domain.length);
        payload.putLong(id.value()).putShort((short) recipient.length).put(recipient)
                .putShort((short) domain.length).put(domain);
        byte[] body = payload.array();
        byte[] mac = mac(HEADER_PURPOSE, body, HEADER_MAC);
        byte[] all = ByteBuffer.allocate(body.length + mac.length).put(body).put(mac).array();
        return "1" + Base64.getUrlEncoder().withoutPadding().encodeToString(all);
    }

    /** Reads an {@code X-Hermod-Ref} value (surrounding white space and folding allowed). */
    public Read<Reference> readHeader(String value) {
        String v = value == null ? "" : value.replaceAll("\\s+", "");
        if (v.isEmpty() || v.length() > MAX_HEADER_VALUE) {
            return new Read.Absent<>();
        }
        if (v.charAt(0) != '1') {
            return new Read.Forged<>("unknown X-Hermod-Ref version");
        }
        byte[] all;
        try {
            all = Base64.getUrlDecoder().decode(v.substring(1));
        } catch (IllegalArgumentException e) {
            return new Read.Forged<>("X-Hermod-Ref is not base64url");
        }
        if (all.length < 8 + 2 + 2 + HEADER_MAC) {
            return new Read.Forged<>("X-Hermod-Ref too short");
        }
        int bodyLength = all.length - HEADER_MAC;
        if (!verify(HEADER_PURPOSE, all, bodyLength, HEADER_MAC)) {
            return new Read.Forged<>("X-Hermod-Ref HMAC does not verify");
        }
        ByteBuffer in = ByteBuffer.wrap(all, 0, bodyLength);
        try {
            MessageId id = new MessageId(in.getLong());
            String recipient = string(in);
            String domain = string(in);
            if (in.hasRemaining()) {
                return new Read.Forged<>("X-Hermod-Ref has trailing bytes");
            }
            return new Read.Verified<>(new Reference(id, recipient.isEmpty() ? Optional.empty() : Optional.of(recipient),
                    domain));
        } catch (RuntimeException e) {
            return new Read.Forged<>("X-Hermod-Ref does not decode"); // a MAC that verifies over bytes we never wrote
        }
    }

    // ---- VERP ----

    /** The local part for a transaction of {@code id} to {@code recipients} (one: tagged; more: untagged). */
    public String returnLocalPart(MessageId id, List<String> recipients) {
        boolean one = recipients.size() == 1;
        ByteBuffer buf = ByteBuffer.allocate(VERP_BYTES);
        buf.put((byte) (one ? 1 : 0)).putLong(id.value()).putInt(one ? recipientTag(recipients.get(0)) : 0);
        buf.put(mac(VERP_PURPOSE, Arrays.copyOf(buf.array(), 1 + 8 + TAG), VERP_MAC));
        return VERP_PREFIX + base32(buf.array());
    }

    /** Reads a VERP local part; {@link Read.Absent} when it does not have our form at all. */
    public Read<ReturnToken> readLocalPart(String localPart) {
        String lp = localPart.toLowerCase(Locale.ROOT);
        if (!lp.startsWith(VERP_PREFIX)) {
            return new Read.Absent<>();
        }
        byte[] all = unbase32(lp.substring(VERP_PREFIX.length()));
        if (all == null || all.length != VERP_BYTES) {
            return new Read.Forged<>("return path token malformed");
        }
        if (!verify(VERP_PURPOSE, all, VERP_BYTES - VERP_MAC, VERP_MAC)) {
            return new Read.Forged<>("return path HMAC does not verify");
        }
        ByteBuffer in = ByteBuffer.wrap(all);
        boolean tagged = (in.get() & 1) != 0;
        MessageId id = new MessageId(in.getLong());
        int tag = in.getInt();
        return new Read.Verified<>(new ReturnToken(id, tagged ? Optional.of(tag) : Optional.empty()));
    }

    /** The keyed 4-byte tag of a recipient address (case-insensitive). */
    public int recipientTag(String address) {
        byte[] mac = mac(TAG_PURPOSE, address.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8), TAG);
        return ByteBuffer.wrap(mac).getInt();
    }

    // ---- helpers ----

    private byte[] mac(byte purpose, byte[] data, int length) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            m.update(purpose);
            m.update(data);
            return Arrays.copyOf(m.doFinal(), length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private boolean verify(byte purpose, byte[] all, int bodyLength, int macLength) {
        byte[] expected = mac(purpose, Arrays.copyOf(all, bodyLength), macLength);
        return MessageDigest.isEqual(expected, Arrays.copyOfRange(all, bodyLength, bodyLength + macLength));
    }

    private static String string(ByteBuffer in) {
        int length = Short.toUnsignedInt(in.getShort());
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static String base32(byte[] bytes) {
        StringBuilder sb = new StringBuilder((bytes.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                sb.append(BASE32[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            sb.append(BASE32[(buffer << (5 - bits)) & 31]);
        }
        return sb.toString();
    }

    /** Null when {@code text} has a character outside the alphabet. */
    static byte[] unbase32(String text) {
        byte[] out = new byte[text.length() * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int v = c >= 'a' && c <= 'z' ? c - 'a' : c >= '2' && c <= '7' ? c - '2' + 26 : -1;
            if (v < 0) {
                return null;
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                if (n == out.length) {
                    return null;
                }
                out[n++] = (byte) (buffer >>> (bits - 8));
                bits -= 8;
            }
        }
        return n == out.length ? out : null;
    }
}
