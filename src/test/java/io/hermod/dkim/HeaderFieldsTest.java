package io.hermod.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeaderFieldsTest {

  @Test
  void rfc6376Example_relaxedHeaders() {
    byte[] section = "A: X\r\nB : Y\t\r\n\tZ  \r\n".getBytes(StandardCharsets.US_ASCII);
    HeaderFields fields = HeaderFields.parse(section, section.length);
    assertThat(fields.fields()).extracting(HeaderFields.Field::name).containsExactly("A", "B");
    ByteArrayOutputStream relaxed = new ByteArrayOutputStream();
    ByteArrayOutputStream simple = new ByteArrayOutputStream();
    fields.fields().forEach(f -> {
      fields.relaxed(f, relaxed);
      fields.simple(f, simple);
    });
    assertThat(relaxed.toString(StandardCharsets.US_ASCII)).isEqualTo("a:X\r\nb:Y Z\r\n");
    assertThat(simple.toByteArray()).isEqualTo(section);
  }

  @Test
  void utf8Value_passesThroughRelaxedUntouched() {
    byte[] section = "Subject:  \u00e9t\u00e9   \u2603 \r\n".getBytes(StandardCharsets.UTF_8);
    HeaderFields fields = HeaderFields.parse(section, section.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    fields.relaxed(fields.fields().get(0), out);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("subject:\u00e9t\u00e9 \u2603\r\n");
  }

  @Test
  void fromDomain_displayNameCommentsAndCase() {
    assertThat(HeaderFields.domainOf(" Joe <joe@Example.COM>")).contains("example.com");
    assertThat(HeaderFields.domainOf(" joe@news.example.com (Joe at <work@other.test>)"))
        .contains("news.example.com");
    assertThat(HeaderFields.domainOf(" \"a@b\" <x@c.test>")).contains("c.test");
    assertThat(HeaderFields.domainOf(" undisclosed")).isEmpty();
    byte[] section = "To: a@to.test\r\nFrom: \"J\u00f6rg\"\r\n <j@\u00fcber.test>\r\n".getBytes(StandardCharsets.UTF_8);
    assertThat(DkimKeys.fromDomain(section)).isEqualTo(Optional.of("\u00fcber.test"));
  }
}
