package io.hermod.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.hermod.config.HostAndPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResolvConfTest {

  @Test
  void nameserverLines_inOrder_onPort53() {
    List<String> lines = List.of("# generated", "search example.com", "nameserver 10.0.0.53",
        "  nameserver\t2001:db8::53  ", "; nameserver 10.9.9.9", "# nameserver 10.8.8.8", "options ndots:2");

    assertThat(ResolvConf.parse(lines))
        .containsExactly(new HostAndPort("10.0.0.53", 53), new HostAndPort("2001:db8::53", 53));
  }

  @Test
  void noNameserver_fallsBackToLocalhost() {
    assertThat(ResolvConf.parse(List.of("search example.com", "nameserver")))
        .containsExactly(new HostAndPort("127.0.0.1", 53));
  }

  @Test
  void unreadableFile_fallsBackToLocalhost(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("resolv.conf");
    assertThat(ResolvConf.servers(file)).containsExactly(ResolvConf.FALLBACK);

    Files.writeString(file, "nameserver 192.0.2.1\n");
    assertThat(ResolvConf.servers(file)).containsExactly(new HostAndPort("192.0.2.1", 53));
  }
}
