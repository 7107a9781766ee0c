package io.hermod.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** This machine's name, for {@code hostname: ""}. Looked up once: it may cost a reverse DNS query. */
final class MachineName {

  private static final String NAME = lookUp();

  private MachineName() {
  }

  static String get() {
    return NAME;
  }

  /**
   * The canonical name, else the plain host name, else "localhost". A name that is an address or
   * not a valid domain (a reverse lookup can fail and give back the IP) would make a bad EHLO.
   */
  private static String lookUp() {
    try {
      InetAddress local = InetAddress.getLocalHost();
      for (String name : new String[] {local.getCanonicalHostName(), local.getHostName()}) {
        if (HostSyntax.isDomainName(name) && HostSyntax.ipv4(name) == null) {
          return name;
        }
      }
    } catch (UnknownHostException | SecurityException e) {
      // fall through: a container without a resolvable name still needs a hostname
    }
    return "localhost";
  }
}
