package io.drydock.activities.scan.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.activities.scan.indexer.ScannerSet.Scanner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScannerSetTest {
  @Test
  void currentSetNamesTheScannersWithTheirKinds() {
    assertThat(ScannerSet.current().scanners())
        .containsExactly(
            new Scanner("apk", "2", Scanner.PACKAGE),
            new Scanner("dpkg", "2", Scanner.PACKAGE),
            new Scanner("os-release", "2", Scanner.DISTRIBUTION));
    assertThat(ScannerSet.current().indexState()).matches("[0-9a-f]{64}");
  }

  @Test
  void detectorIsBoundAsClaircoreBindsIt() {
    // quay/claircore detector.go (v1.5.52, b882dc5d2b7309c53d10f1cd021bb5c9c86e4514):
    // urn:claircore:detector:<name>:<version>:<kind>
    assertThat(ScannerSet.DPKG.urn()).isEqualTo("urn:claircore:detector:dpkg:2:package");
  }

  @Test
  void indexStateDependsOnTheSetNotOnItsOrder() {
    List<Scanner> reversed = new ArrayList<>(ScannerSet.current().scanners());
    Collections.reverse(reversed);

    assertThat(new ScannerSet(reversed).indexState()).isEqualTo(ScannerSet.current().indexState());
  }

  @Test
  void bumpingAScannerVersionChangesTheIndexState() {
    ScannerSet bumped =
        new ScannerSet(
            List.of(
                new Scanner("apk", "2", Scanner.PACKAGE),
                new Scanner("dpkg", "3", Scanner.PACKAGE),
                new Scanner("os-release", "2", Scanner.DISTRIBUTION)));

    assertThat(bumped.indexState()).isNotEqualTo(ScannerSet.current().indexState());
  }

  @Test
  void fieldsCannotRunTogether() {
    assertThat(new ScannerSet(List.of(new Scanner("dpkg1", "0", Scanner.PACKAGE))).indexState())
        .isNotEqualTo(
            new ScannerSet(List.of(new Scanner("dpkg", "10", Scanner.PACKAGE))).indexState());
  }
}
