package io.hermod.dns;

import io.hermod.config.HostAndPort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real DNS server for tests: dnsmasq on 127.0.0.1 and a free port, answering only for the names
 * it is given under {@code .test} (any other {@code .test} name is NXDOMAIN) and logging every
 * query, so tests can count what reached it.
 *
 * <pre>
 * try (Dnsmasq dns = Dnsmasq.start(Dnsmasq.mx("example.test", "mx1.example.test", 10),
 *     Dnsmasq.host("mx1.example.test", "127.0.0.1"))) {
 *   ... dns.address() ...; dns.queries("MX", "example.test") ...
 * }
 * </pre>
 */
public final class Dnsmasq implements AutoCloseable {

  public static final Path BINARY = Path.of("/usr/sbin/dnsmasq");
  /** TTL of every record unless a test passes {@link #ttl}; dnsmasq's own default is 0. */
  public static final int DEFAULT_TTL = 300;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  private final Process process;
  private final int port;
  private final Path dir;
  private final Path log;

  private Dnsmasq(Process process, int port, Path dir, Path log) {
    this.process = process;
    this.port = port;
    this.dir = dir;
    this.log = log;
  }

  /** "--mx-host=domain,host,preference"; host "." makes a null MX. */
  public static String mx(String domain, String host, int preference) {
    return "--mx-host=" + domain + "," + host + "," + preference;
  }

  /** "--host-record=name,address,..." : A and AAAA records (IPv4 and IPv6 addresses may be mixed). */
  public static String host(String name, String... addresses) {
    return "--host-record=" + name + "," + String.join(",", addresses);
  }

  /** "--cname=alias,target"; the target must be a name this server knows. */
  public static String cname(String alias, String target) {
    return "--cname=" + alias + "," + target;
  }

  /** "--txt-record=name,text": a name that exists without MX, A or AAAA. */
  public static String txt(String name, String text) {
    return "--txt-record=" + name + "," + text;
  }

  /**
   * A TXT record with a long value (a DKIM public key) split into character-strings of at most 255
   * bytes: on dnsmasq's command line each comma starts a new string, and quotes would be kept
   * literally, so the value must be ASCII without commas. Resolvers hand the strings back
   * separately; DKIM verifiers join them.
   */
  public static String longTxt(String name, String value) {
    if (value.indexOf(',') >= 0) {
      throw new IllegalArgumentException("a comma would split the TXT value: " + value);
    }
    List<String> strings = new ArrayList<>();
    for (int i = 0; i < value.length(); i += 255) {
      strings.add(value.substring(i, Math.min(value.length(), i + 255)));
    }
    return "--txt-record=" + name + "," + String.join(",", strings);
  }

  /** "--local-ttl=seconds", the TTL of every answer. */
  public static String ttl(int seconds) {
    return "--local-ttl=" + seconds;
  }

  /** Starts dnsmasq with these record options (see the helpers above); fails if it is not installed. */
  public static Dnsmasq start(String... records) {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(BINARY + " not found: the DNS tests need dnsmasq"
          + " (Debian/Ubuntu: apt-get install dnsmasq-base)");
    }
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 5; attempt++) { // another process may take the free port first
      try {
        return tryStart(freeUdpPort(), records);
      } catch (IllegalStateException e) {
        last = e;
      }
    }
    throw last;
  }

  /** An address where nothing answers DNS, for tests of a dead server. */
  public static HostAndPort deadServer() {
    return new HostAndPort("127.0.0.1", freeUdpPort());
  }

  public int port() {
    return port;
  }

  public HostAndPort address() {
    return new HostAndPort("127.0.0.1", port);
  }

  /** How many queries of this type ("MX", "A", "AAAA", "CNAME") for this name reached the server. */
  public long queries(String type, String name) {
    String needle = ": query[" + type + "] " + name + " from ";
    return queryLog().stream().filter(line -> line.contains(needle)).count();
  }

  /** Every "query[...]" line logged so far. */
  public List<String> queryLog() {
    try {
      return Files.readAllLines(log).stream().filter(line -> line.contains(": query[")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    delete(dir);
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }

  private static Dnsmasq tryStart(int port, String... records) {
    Path dir;
    try {
      dir = Files.createTempDirectory("dnsmasq");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path log = dir.resolve("queries.log");
    Path output = dir.resolve("output.txt");
    List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--no-daemon", "--conf-file=/dev/null",
        "--no-resolv", "--no-hosts", "--pid-file=", "--port=" + port, "--listen-address=127.0.0.1",
        "--bind-interfaces", "--local=/test/", "--log-queries", "--log-facility=" + log));
    command.addAll(List.of(records));
    if (Stream.of(records).noneMatch(r -> r.startsWith("--local-ttl="))) { // dnsmasq refuses a repeated flag
      command.add(ttl(DEFAULT_TTL));
    }
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + BINARY, e);
    }
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        String why = read(output).strip() + " " + read(log).strip();
        delete(dir);
        throw new IllegalStateException("dnsmasq exited (" + process.exitValue() + "): " + why.strip());
      }
      // dnsmasq logs "started" once its sockets are bound.
      if (read(log).contains("]: started")) {
        return new Dnsmasq(process, port, dir, log);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    process.destroyForcibly();
    String why = read(output).strip();
    delete(dir);
    throw new IllegalStateException("dnsmasq did not start within " + START_TIMEOUT + ": " + why);
  }

  private static int freeUdpPort() {
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
