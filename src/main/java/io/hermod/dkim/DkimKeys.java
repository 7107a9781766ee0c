package io.hermod.dkim;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The signing keys by domain. {@link #keysFor} looks up the From: domain, then its parent domains
 * (so {@code news.example.com} signs as {@code example.com}, still aligned), then the default
 * signer. {@link #reload()} re-reads the key files whose modification time changed; a file that
 * cannot be read keeps its old key and is logged once until it is readable again.
 *
 * <p>Lookups are safe from any thread; reloads are serialized.
 */
public final class DkimKeys {

  private static final Logger LOG = System.getLogger(DkimKeys.class.getName());

  /** The current keys: replaced whole by a reload, so a lookup sees all old or all new keys. */
  private record Snapshot(List<SigningKey> keys, List<SigningKey> defaultKeys, Map<String, List<SigningKey>> byDomain) {
  }

  private volatile Snapshot snapshot;
  private final Map<Path, FileTime> loadedTimes = new HashMap<>();
  private final Set<Path> failing = new HashSet<>();

  /**
   * @param keys the per-domain keys (several per domain for dual signing)
   * @param defaultKeys the default signer for domains without keys; empty for none
   */
  public DkimKeys(List<SigningKey> keys, List<SigningKey> defaultKeys) {
    this.snapshot = snapshot(List.copyOf(keys), List.copyOf(defaultKeys));
    for (SigningKey key : all(snapshot)) {
      if (key.file() != null) {
        loadedTimes.put(key.file(), modified(key.file()).orElse(null));
      }
    }
  }

  /** No keys: every message goes unsigned. */
  public static DkimKeys none() {
    return new DkimKeys(List.of(), List.of());
  }

  /** The keys for a From: domain: its own, else its nearest parent's, else the default signer's. */
  public List<SigningKey> keysFor(String fromDomain) {
    Snapshot s = snapshot;
    String domain = fromDomain.toLowerCase(Locale.ROOT);
    while (true) {
      List<SigningKey> keys = s.byDomain().get(domain);
      if (keys != null) {
        return keys;
      }
      int dot = domain.indexOf('.');
      if (dot < 0) {
        return s.defaultKeys();
      }
      domain = domain.substring(dot + 1);
    }
  }

  /** The default signer's keys (for a message without a From: domain, or a DSN); may be empty. */
  public List<SigningKey> defaultKeys() {
    return snapshot.defaultKeys();
  }

  /** The From: domain of a header section (fields ending in CRLF; the empty line may follow). */
  public static Optional<String> fromDomain(byte[] headerSection) {
    return HeaderFields.parse(headerSection, headerSection.length).fromDomain();
  }

  /**
   * Re-reads every key file whose modification time changed since it was loaded.
   *
   * @return how many keys were replaced
   */
  public synchronized int reload() {
    Snapshot old = snapshot;
    Map<SigningKey, SigningKey> replaced = new HashMap<>();
    Map<Path, FileTime> readNow = new HashMap<>();
    for (SigningKey key : all(old)) {
      Path file = key.file();
      if (file == null || replaced.containsKey(key)) {
        continue;
      }
      Optional<FileTime> time = modified(file);
      if (time.isPresent() && time.get().equals(loadedTimes.get(file))) {
        continue;
      }
      try {
        if (time.isEmpty()) {
          throw new IllegalArgumentException(file + ": cannot read DKIM key: file missing or unreadable");
        }
        replaced.put(key, key.reloaded());
        readNow.put(file, time.get());
        if (failing.remove(file)) {
          LOG.log(Level.INFO, "DKIM key {0} is readable again", file);
        }
      } catch (IllegalArgumentException e) {
        if (failing.add(file)) {
          LOG.log(Level.WARNING, "keeping the previous DKIM key for " + key.dnsName() + ": " + e.getMessage());
        }
      }
    }
    if (replaced.isEmpty()) {
      return 0;
    }
    loadedTimes.putAll(readNow);
    snapshot = snapshot(replace(old.keys(), replaced), replace(old.defaultKeys(), replaced));
    return replaced.size();
  }

  private static List<SigningKey> replace(List<SigningKey> keys, Map<SigningKey, SigningKey> replaced) {
    return keys.stream().map(k -> replaced.getOrDefault(k, k)).toList();
  }

  private static List<SigningKey> all(Snapshot s) {
    List<SigningKey> all = new ArrayList<>(s.keys());
    all.addAll(s.defaultKeys());
    return all;
  }

  private static Snapshot snapshot(List<SigningKey> keys, List<SigningKey> defaultKeys) {
    Map<String, List<SigningKey>> byDomain = new LinkedHashMap<>();
    for (SigningKey key : keys) {
      byDomain.computeIfAbsent(key.domain(), d -> new ArrayList<>()).add(key);
    }
    byDomain.replaceAll((d, list) -> List.copyOf(list));
    return new Snapshot(keys, defaultKeys, Map.copyOf(byDomain));
  }

  private static Optional<FileTime> modified(Path file) {
    try {
      return Files.isReadable(file) ? Optional.of(Files.getLastModifiedTime(file)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
