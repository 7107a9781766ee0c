package io.hermod.intake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code auth.users} file: one user per line, {@code user:bcrypt-hash[:sender,sender...]},
 * where a sender is an address, a domain or {@code *} (see {@link AuthenticatedUser}). Blank lines
 * and lines starting with {@code #} are skipped. A bad line makes the whole file invalid, with a
 * message that names the line and never repeats a hash.
 */
public final class UserFile {

    private static final Pattern USER = Pattern.compile("[^\\s:]{1,255}");
    private static final Pattern DOMAIN =
            Pattern.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern LOCAL_PART = Pattern.compile("[^\\s@,:<>\"]{1,64}");

    private record Entry(String hash, List<String> senders) {
    }

    private final Map<String, Entry> users;
    private final String decoy;

    private UserFile(Map<String, Entry> users) {
        this.users = Map.copyOf(users);
        this.decoy = PasswordHash.decoyLike(users.isEmpty()
                ? "$2a$" + PasswordHash.COST + "$" : users.values().iterator().next().hash());
    }

    /** Thrown for a file that cannot be read or has a bad line. */
    public static final class InvalidUserFile extends Exception {
        InvalidUserFile(String message) {
            super(message, null, false, false);
        }
    }

    public static UserFile read(Path file) throws InvalidUserFile {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidUserFile("cannot read " + file + ": " + e.getClass().getSimpleName());
        }
        return parse(lines, file.toString());
    }

    static UserFile parse(List<String> lines, String name) throws InvalidUserFile {
        Map<String, Entry> users = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = name + " line " + (i + 1) + ": ";
            String[] fields = line.split(":", -1);
            if (fields.length < 2 || fields.length > 3) {
                throw new InvalidUserFile(where + "expected user:bcrypt-hash[:senders]");
            }
            String problem = checkUser(fields[0]);
            if (problem == null && !PasswordHash.isBcrypt(fields[1])) {
                problem = "the password of " + fields[0] + " is not a bcrypt hash (make one with hermod passwd)";
            }
            List<String> senders = List.of();
            if (problem == null && fields.length == 3) {
                senders = splitSenders(fields[2]);
                problem = checkSenders(senders);
            }
            if (problem == null && users.containsKey(fields[0])) {
                problem = "user " + fields[0] + " is listed twice";
            }
            if (problem != null) {
                throw new InvalidUserFile(where + problem);
            }
            users.put(fields[0], new Entry(fields[1], senders));
        }
        return new UserFile(users);
    }

    /** The line for {@code auth.users}; throws IllegalArgumentException naming what is wrong. */
    public static String line(String user, String password, List<String> senders) {
        String problem = checkUser(user);
        if (problem == null) {
            problem = checkSenders(senders);
        }
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        String hash = PasswordHash.hash(password);
        return user + ":" + hash + (senders.isEmpty() ? "" : ":" + String.join(",", senders));
    }

    public static List<String> splitSenders(String text) {
        List<String> out = new ArrayList<>();
        for (String s : text.split(",", -1)) {
            out.add(s.strip());
        }
        return out.size() == 1 && out.get(0).isEmpty() ? List.of() : List.copyOf(out);
    }

    public int size() {
        return users.size();
    }

    /** Checks the password (slow: bcrypt); an unknown user costs as much as a wrong password. */
    Optional<AuthenticatedUser> check(String user, String password) {
        Entry entry = users.get(user);
        if (entry == null) {
            PasswordHash.matches(password, decoy);
            return Optional.empty();
        }
        return PasswordHash.matches(password, entry.hash())
                ? Optional.of(new AuthenticatedUser(user, entry.senders()))
                : Optional.empty();
    }

    private static String checkUser(String user) {
        return USER.matcher(user).matches() ? null
                : "a user name is 1 to 255 characters without spaces or colons";
    }

    private static String checkSenders(List<String> senders) {
        for (String sender : senders) {
            if (!isSender(sender)) {
                return "not an address, a domain or *: \"" + sender + "\"";
            }
        }
        return null;
    }

    private static boolean isSender(String sender) {
        if (sender.equals(AuthenticatedUser.ANY_SENDER)) {
            return true;
        }
        int at = sender.lastIndexOf('@');
        if (at < 0) {
            return DOMAIN.matcher(sender).matches() && sender.length() <= 253;
        }
        return LOCAL_PART.matcher(sender.substring(0, at)).matches()
                && DOMAIN.matcher(sender.substring(at + 1)).matches();
    }
}
