package io.drydock.activities.scan.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class IndexReportTest {
  private static final String MANIFEST =
      "sha256:a2f196cc1f224ba665cde842a5be1d3c7ded333c279525242eba123677152172";
  private static final ObjectMapper JACKSON_2 = new ObjectMapper();
  private static final JsonMapper JACKSON_3 = JsonMapper.builder().build();

  /**
   * The JSON claircore writes for the same package: quay/claircore {@code package.go} at v1.5.52
   * (b882dc5d2b7309c53d10f1cd021bb5c9c86e4514), whose {@code source} and {@code arch} are {@code
   * omitempty}, whose {@code package_db} is {@code json:"-"}, and whose store gives a binary
   * package its scanner as {@code detector} ({@code datastore/postgres/packagesbylayer.go}) and the
   * nested source package none.
   */
  @Test
  void finishedReportHasClaircoresJsonShapeInBothJacksonGenerations() throws Exception {
    IndexReport report =
        IndexReport.finished(
            MANIFEST,
            Coalescer.coalesce(
                List.of(
                    TestLayer.builder()
                        .file(
                            "etc/os-release",
                            "ID=debian\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n")
                        .file(
                            "var/lib/dpkg/status",
                            CoalescerTest.stanza(
                                "libssl3",
                                "3.0.15-1~deb12u1+b1",
                                "amd64",
                                "openssl (3.0.15-1~deb12u1)"))
                        .scanned(1))));
    String expected =
        """
        {"manifest_hash":"%s","state":"IndexFinished",\
        "packages":{"1":{"id":"1","name":"libssl3","version":"3.0.15-1~deb12u1+b1","kind":"binary",\
        "source":{"id":"2","name":"openssl","version":"3.0.15-1~deb12u1","kind":"source","normalized_version":"",\
        "cpe":"","detector":null},\
        "normalized_version":"","arch":"amd64","cpe":"","detector":"urn:claircore:detector:dpkg:2:package"}},\
        "distributions":{"1":{"id":"1","did":"debian","name":"Debian GNU/Linux","version":"",\
        "version_code_name":"","version_id":"12","arch":"","cpe":"","pretty_name":""}},\
        "repository":{},\
        "environments":{"1":[{"package_db":"var/lib/dpkg/status","introduced_in":"%s","distribution_id":"1",\
        "repository_ids":[]}]},\
        "success":true,"err":""}"""
            .formatted(MANIFEST, TestLayer.digest(1));

    assertThat(JACKSON_2.writeValueAsString(report)).isEqualTo(expected);
    assertThat(JACKSON_3.writeValueAsString(report)).isEqualTo(expected);
    assertThat(JACKSON_2.readValue(expected, IndexReport.class)).isEqualTo(report);
    assertThat(JACKSON_3.readValue(expected, IndexReport.class)).isEqualTo(report);
  }

  @Test
  void errorReportCarriesItsReason() throws Exception {
    IndexReport report =
        IndexReport.error(
            MANIFEST, "layer blob is truncated: its gzip-compressed tar ends unexpectedly");

    assertThat(report.state()).isEqualTo(IndexState.INDEX_ERROR.wireName()).isEqualTo("IndexError");
    assertThat(report.success()).isFalse();
    assertThat(report.packages()).isEmpty();
    assertThat(JACKSON_2.readValue(JACKSON_2.writeValueAsString(report), IndexReport.class))
        .isEqualTo(report);
    assertThatThrownBy(() -> IndexReport.error(MANIFEST, " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must say what went wrong");
  }

  @Test
  void theEmptyReportOfClairsBugCanNeitherBeBuiltNorRead() {
    // What Clair stored over good reports after a timed-out load (seed 000), and then served
    // forever.
    String clairsEmptyReport =
        """
        {"manifest_hash":"%s","state":"","packages":{},"distributions":{},"repository":{},"environments":{},\
        "success":false,"err":""}"""
            .formatted(MANIFEST);

    assertThatThrownBy(() -> JACKSON_2.readValue(clairsEmptyReport, IndexReport.class))
        .hasRootCauseMessage("unknown index state ''");
    assertThatThrownBy(() -> JACKSON_3.readValue(clairsEmptyReport, IndexReport.class))
        .hasRootCauseMessage("unknown index state ''");
    assertThatThrownBy(
            () ->
                new IndexReport(
                    MANIFEST, "IndexFinished", Map.of(), Map.of(), Map.of(), Map.of(), false, ""))
        .hasMessageContaining("succeeds exactly when its state is IndexFinished");
    assertThatThrownBy(
            () ->
                new IndexReport(
                    MANIFEST, "ScanLayers", Map.of(), Map.of(), Map.of(), Map.of(), false, "boom"))
        .hasMessageContaining("only an IndexError report carries an error");
  }

  @Test
  void manifestHashMustBeASha256Digest() {
    assertThatThrownBy(() -> IndexReport.error("a2f196cc", "boom"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid digest");
  }

  @Test
  void statesKeepClairsNames() {
    assertThat(Stream.of(IndexState.values()).map(IndexState::wireName))
        .containsExactly(
            "CheckManifest",
            "FetchLayers",
            "ScanLayers",
            "Coalesce",
            "IndexManifest",
            "IndexFinished",
            "IndexError");
    assertThat(IndexState.fromWireName("Coalesce")).isEqualTo(IndexState.COALESCE);
  }

  @Test
  void recordsHaveNoBeanStyleAccessorsThatJacksonWouldAddAsProperties() {
    List<Class<?>> records =
        List.of(
            IndexReport.class,
            IndexContents.class,
            Package.class,
            Distribution.class,
            Environment.class,
            LayerScan.class,
            LayerScan.PackageDatabase.class,
            LayerScan.InstalledPackage.class,
            LayerScan.OsRelease.class,
            ScannedLayer.class,
            ScannerSet.Scanner.class);

    for (Class<?> type : records) {
      assertThat(
              Stream.of(type.getDeclaredMethods())
                  .filter(m -> !Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 0)
                  .map(Method::getName)
                  .filter(name -> name.matches("(get|is)[A-Z].*")))
          .as(type.getName())
          .isEmpty();
    }
  }
}
