package io.drydock.activities.scan.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Expected bindings as claircore's {@code cpe.Unbind} followed by {@code WFN.BindFS} gives them
 * (quay/claircore {@code toolkit/types/cpe/unbind.go}, {@code bind.go} at
 * b882dc5d2b7309c53d10f1cd021bb5c9c86e4514).
 */
class CpeTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // Red Hat's and Fedora's os-release CPE_NAME, CPE 2.2 URIs.
        "cpe:/o:redhat:enterprise_linux:9::baseos | cpe:2.3:o:redhat:enterprise_linux:9:*:baseos:*:*:*:*:*",
        "cpe:/o:fedoraproject:fedora:39 | cpe:2.3:o:fedoraproject:fedora:39:*:*:*:*:*:*:*",
        "cpe:/o:Amazon:Amazon_Linux:2023 | cpe:2.3:o:amazon:amazon_linux:2023:*:*:*:*:*:*:*",
        "cpe:/o:suse:sles:15:sp5 | cpe:2.3:o:suse:sles:15:sp5:*:*:*:*:*:*",
        "cpe:/a:vendor:prod%21uct:1.0:-:~ed~sw~tsw~thw~oth:en | cpe:2.3:a:vendor:prod\\!uct:1.0:-:ed:en:sw:tsw:thw:oth",
        // A formatted string is kept as bound.
        "cpe:2.3:o:vmware:photon_os:5.0:*:*:*:*:*:*:* | cpe:2.3:o:vmware:photon_os:5.0:*:*:*:*:*:*:*",
      })
  void bindsAsAFormattedString(String cpeName, String bound) {
    assertThat(Cpe.formattedString(cpeName)).isEqualTo(bound);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      emptyValue = "",
      value = {
        "''",
        "debian",
        "cpe:/x:vendor:product",
        "cpe:/o:vendor:pro duct",
        "cpe:/o:vendor:pro(duct",
        "cpe:/o:a:b:c:d:e:f:g",
        "cpe:/o:vendor:product%0",
        "cpe:/o:vendor:prod%01uct",
        "cpe:2.3:o:vendor:prod*uct:*:*:*:*:*:*:*:*",
        "cpe:2.3:o:a:b:c:d:e:f:g:h:i:j:k",
        // A quoted hyphen alone would read as "not applicable": claircore refuses it.
        "cpe:2.3:o:oracle:linux:9:\\-:*:*:*:*:*:*",
      })
  void leavesOutWhatClaircoreCannotUnbind(String cpeName) {
    assertThat(Cpe.formattedString(cpeName)).isEmpty();
  }
}
