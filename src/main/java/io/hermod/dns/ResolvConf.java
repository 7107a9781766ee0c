package io.hermod.dns;

import io.hermod.config.HostAndPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The "nameserver" lines of /etc/resolv.conf, used when {@code dns.servers} is empty. */
final class ResolvConf {

  static final Path FILE = Path.of("/etc/resolv.conf");

  /** What the resolver library itself assumes when resolv.conf names no server. */
  static final HostAndPort FALLBACK = new HostAndPort("127.0.0.1", 53);

  private ResolvConf() {
  }

  /** The servers named in file, or {@link #FALLBACK} when it names none or cannot be read. */
  static List<HostAndPort> servers(Path file) {
    try {
      return parse(Files.readAllLines(file));
    } catch (IOException e) {
      return List.of(FALLBACK);
    }
  }

  static List<HostAndPort> parse(List<String> lines) {
    List<HostAndPort> out = new ArrayList<>();
    for (String line : lines) {
      String[] words = line.strip().split("\\s+");
      if (words.length >= 2 && words[0].equals("nameserver")) {
        out.add(new HostAndPort(words[1], 53));
      }
    }
    return out.isEmpty() ? List.of(FALLBACK) : List.copyOf(out);
  }
}
