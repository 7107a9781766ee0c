package io.hermod.dns;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to: by {@link #advance}, or by a fixed step at every read. */
final class TestClock extends Clock {

  private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
  private final long stepPerRead;

  TestClock() {
    this(Duration.ZERO);
  }

  /** A clock that jumps by step each time it is read, so that no cache entry outlives one read. */
  TestClock(Duration stepPerRead) {
    this.stepPerRead = stepPerRead.toMillis();
  }

  void advance(Duration d) {
    millis.addAndGet(d.toMillis());
  }

  @Override
  public long millis() {
    return millis.getAndAdd(stepPerRead);
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException();
  }
}
