package io.hermod.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option values with units: durations ({@code 500ms}, {@code 30s}, {@code 2m}) and sizes ({@code 2048}, {@code 2k}, {@code 1m}). */
final class Units {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})(k|kb|kib|m|mb|mib)?");

    private Units() {
    }

    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Matcher m = DURATION.matcher(value.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new TypeConversionException("not a duration (e.g. 500ms, 30s, 2m): " + value);
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        }
    }

    static final class SizeConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            Matcher m = SIZE.matcher(value.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new TypeConversionException("not a size (e.g. 2048, 2k, 1m): " + value);
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "" : m.group(2).substring(0, 1);
            long bytes = switch (unit) {
                case "k" -> n * 1024;
                case "m" -> n * 1024 * 1024;
                default -> n;
            };
            if (bytes > 256L * 1024 * 1024) {
                throw new TypeConversionException("at most 256m: " + value);
            }
            return (int) bytes;
        }
    }

    /** {@code host:port}, or a port alone for 127.0.0.1. */
    record Address(String host, int port) {
        static Address parse(String text, String option) {
            String t = text.strip();
            int colon = t.lastIndexOf(':');
            String host = colon < 0 ? "127.0.0.1" : t.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                int port = Integer.parseInt(colon < 0 ? t : t.substring(colon + 1));
                if (port < 0 || port > 65535 || host.isEmpty()) {
                    throw new NumberFormatException();
                }
                return new Address(host, port);
            } catch (NumberFormatException e) {
                throw new Cli.CommandFailure(Cli.USAGE, option + ": not host:port: " + text);
            }
        }

        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
