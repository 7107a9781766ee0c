package io.hermod.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsAndSizesTest {

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', textBlock = """
      250ms | 250
      300s  | 300000
      5m    | 300000
      1h    | 3600000
      5d    | 432000000
      45    | 45000
      0     | 0
      """)
  void duration_parsesEveryUnit(String text, long millis) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "1.5h", "-1s", "5 m", "5M", "1w", "s", "99999999999999999999d"})
  void duration_rejectsOtherForms(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(BadValue.class)
        .hasMessageStartingWith("not a duration: ");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', textBlock = """
      0     | 0s
      250   | 250ms
      1000  | 1s
      90000 | 90s
      120000 | 2m
      3600000 | 1h
      172800000 | 2d
      """)
  void duration_formatsWithTheLargestExactUnit(long millis, String text) {
    assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', textBlock = """
      52428800 | 52428800
      512K     | 524288
      512KiB   | 524288
      50M      | 52428800
      50MiB    | 52428800
      50mib    | 52428800
      1G       | 1073741824
      1GiB     | 1073741824
      """)
  void size_parsesBytesAndBinarySuffixes(String text, long bytes) {
    assertThat(Sizes.parse(text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "50MB", "1.5M", "-1", "M", "10T", "50 M", "99999999999999999G"})
  void size_rejectsOtherForms(String text) {
    assertThatThrownBy(() -> Sizes.parse(text))
        .isInstanceOf(BadValue.class)
        .hasMessageStartingWith("not a size: ");
  }
}
