package io.hermod.dkim;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * Not a test: prints the cost of one whole signature (MessageSigner over a small message, the
 * private-key operation dominating) for RSA-2048 and Ed25519 with the JDK's providers.
 *
 * <pre>
 * mvn -q -o test-compile && java -cp target/classes:target/test-classes io.hermod.dkim.SignatureCost [count]
 * </pre>
 */
public final class SignatureCost {

  private static final byte[] MESSAGE = ("From: Sender <s@example.test>\r\nTo: r@rcpt.test\r\n"
      + "Subject: cost\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <1@example.test>\r\n\r\n"
      + "A short body.\r\n").getBytes(StandardCharsets.US_ASCII);

  private SignatureCost() {
  }

  public static void main(String[] args) {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    System.out.println(System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    for (Algorithm alg : Algorithm.values()) {
      SigningKey key = SigningKey.of(KeyGen.generate(alg, 2048).keyPair().getPrivate(), "example.test", "s", alg);
      run(key, count); // warm-up
      long ns = run(key, count);
      System.out.printf("%-15s %,10d ns per signature (%d signatures)%n", alg.tag(), ns / count, count);
    }
  }

  private static long run(SigningKey key, int count) {
    long sink = 0;
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      MessageSigner signer = new MessageSigner(List.of(key), Clock.systemUTC());
      signer.update(MESSAGE, 0, MESSAGE.length);
      sink += signer.finish().length;
    }
    long elapsed = System.nanoTime() - start;
    if (sink == 0) {
      throw new IllegalStateException("nothing signed");
    }
    return elapsed;
  }
}
