package io.drydock.activities.scan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * apk's order: rows taken from apk-tools' own test vectors, alpinelinux/apk-tools {@code
 * test/version.data} at v2.14.9 (8a70001db15ac0b5286d1c876bb4d453e45c3dc4; apk-tools 2 is the apk
 * of Alpine up to 3.22), {@code a OP b} as {@code apk version -t a b} answers; all 733 of that
 * file's rows were checked when this was written. Then the suffix order its documentation states,
 * and the leading zeros of dotted components.
 */
class ApkVersionTest {
  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource(
      delimiter = ' ',
      value = {
        // test/version.data
        "2.34 > 0.1.0_alpha",
        "23_foo > 4_beta",
        "1.0 < 1.0bc",
        "0.1.0_alpha = 0.1.0_alpha",
        "0.1.0_alpha < 0.1.3_alpha",
        "0.1.0_alpha2 > 0.1.0_alpha",
        "0.1.0_alpha < 2.2.39-r1",
        "1.0.4-r3 < 1.0.4-r4",
        "1.1 > 1.1_alpha1",
        "1.2.1 > 1.2",
        "1.2 < 1.3_alpha",
        "1.3_alpha2 < 1.3_alpha3",
        "0.7.0 < 0.8_beta1",
        "3.10.18-r1 > 2.3.0b-r1",
        "2.3.0b-r1 < 2.3.0b-r2",
        "0.12.3 > 0.12",
        "0.12 < 0.13_beta1",
        "1.2.11 < 1.2.12.1",
        "0.2.0-r1 = 0.2.0-r1",
        "0.2.0-r1 < 3.1_p16",
        "3.1_p16 < 3.1_p17",
        "1.06-r6 < 006",
        "006 > 1.0.0",
        "1.2.2-r1 > 1.2.2",
        "9.3.4-r2 > 9.3.4",
        "2.59 < 20050718-r1",
        "2.01.01_alpha10 > 0.94",
        "1.0 > 0.99.3.20040818",
        "1.00_beta2 > 0.9.2",
        "4.2.52_p2-r1 < 4.2.52_p4-r2",
        "1.02 < 1.03-r1",
        "2.11-r1 > 2.11",
        "10-r1 > 4",
        "0.7.3-r2 > 0.7.3",
        "20060720 > 3.0.20060720",
        "3.0.20060720 < 20060720",
        "2.5.1-r8 < 2.5.1a-r1",
        "1.3.5-r10 > 1.3.5-r8",
        "20040401 > 2.0.0_rc3-r1",
        "3.0.0-r2 < 021109-r3",
        "0.9.16-r1 < 3.9_pre20060124",
        "1.1.7 < 6b-r7",
        "0.10.0-r1 > 0.10.0",
        "0.10.0 < 0.10.1_rc1",
        "2.0.2 > 1.1a",
        "1.0-r1 > 0.15.1b",
        "0.15.1b-r2 > 0.15.1b",
        "22.7-r1 < 22.7.3-r1",
        "22.7 > 2.1_pre20",
        "2.10.1 > 02.08.01b",
        "1.5.0-r1 > 1.5.0",
        "3.81 > 1.6d",
        "1.2.07.8 < 1.2.12.04",
        "1.07-r1 < 1.07.5",
        "1.07.5 > 1.07",
        "20061003 > 0.1_pre20060810",
        "0.59s-r11 < 0.65",
        "0.20070118 < 0.20070207_rc1",
        "4.5_p1-r1 > 4.5_p1",
        "0.9.8c-r1 < 0.9.8d",
        "1.8.5 < 1.8.5_p2",
        "2.9.11_pre20051101-r3 > 2.9.11_pre20051101",
        "1.6.8_p12-r1 > 1.6.8_p9-r2",
        "0.9.28-r2 < 0.9.28.1",
        "0.9.28.1 < 087-r1",
        "1.2.5_rc2 > 0.1",
        "2.12r-r4 < 2.12r-r5",
        "7.0.17 < 7.0.174",
        "1.3-r0 < 1.3.1-r0",
        "1.3_pre1-r1 < 1.3.2",
        "1.0_p10-r0 > 1.0_p9-r0",
        "0.1.0_alpha_pre2 < 0.1.0_alpha",
        "1.0.0_pre20191002222144-r0 < 1.0.0_pre20210530193627-r0",
        "6.0_pre1 < 6.0",
        // The suffix order: _alpha < _beta < _pre < _rc < none < _cvs < _svn < _git < _hg < _p.
        "1.2_alpha < 1.2_beta",
        "1.2_beta < 1.2_pre",
        "1.2_pre < 1.2_rc",
        "1.2_rc < 1.2",
        "1.2 < 1.2_cvs",
        "1.2_cvs < 1.2_svn",
        "1.2_svn < 1.2_git",
        "1.2_git < 1.2_hg",
        "1.2_hg < 1.2_p",
        "1.2_rc9 < 1.2-r0",
        "3.3.1-r3 < 3.3.2-r0",
        // Leading zeros: all but the last count against the component.
        "1.02 < 1.1",
        "1.002 < 1.02",
        "1.0 < 1.02",
        "1.00 < 1.0",
      })
  void ordersAsApkToolsDoes(String a, String relation, String b) {
    int expected =
        switch (relation) {
          case "<" -> -1;
          case ">" -> 1;
          default -> 0;
        };
    assertThat(Integer.signum(ApkVersion.compare(a, b))).isEqualTo(expected);
    assertThat(Integer.signum(ApkVersion.compare(b, a))).isEqualTo(-expected);
  }
}
