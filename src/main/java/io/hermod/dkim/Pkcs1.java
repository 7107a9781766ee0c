package io.hermod.dkim;

import java.io.ByteArrayOutputStream;

/** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo, which is what the JDK's KeyFactory reads. */
final class Pkcs1 {

  /** AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }. */
  private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
      (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
  private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

  private Pkcs1() {
  }

  static byte[] toPkcs8(byte[] pkcs1) {
    ByteArrayOutputStream octets = new ByteArrayOutputStream();
    tagged(0x04, pkcs1, octets);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(VERSION_0);
    body.writeBytes(RSA_ALGORITHM);
    body.writeBytes(octets.toByteArray());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    tagged(0x30, body.toByteArray(), out);
    return out.toByteArray();
  }

  /** DER: tag, definite length, contents. */
  private static void tagged(int tag, byte[] contents, ByteArrayOutputStream out) {
    out.write(tag);
    int length = contents.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    out.writeBytes(contents);
  }
}
