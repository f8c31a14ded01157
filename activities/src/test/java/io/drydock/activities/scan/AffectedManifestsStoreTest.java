package io.drydock.activities.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.activities.scan.indexer.Distribution;
import io.drydock.activities.scan.indexer.LayerScan;
import io.drydock.activities.scan.indexer.LayerScan.InstalledPackage;
import io.drydock.testsupport.TestPostgres;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Clair's affected_manifest on stored reports, on a real PostgreSQL with the real schema: the
 * package rows each stored report gets, and the matching rules (quay/claircore {@code
 * datastore/postgres/affectedmanifest.go} and {@code libindex/libindex.go} AffectedManifests at
 * b882dc5d2b7309c53d10f1cd021bb5c9c86e4514, narrowed to name, kind, distribution fields and
 * fixed_in_version).
 */
class AffectedManifestsStoreTest {
  private static final String STATE = "c".repeat(64);
  private static final String DEBIAN_OLD = "sha256:" + "1".repeat(64);
  private static final String DEBIAN_FIXED = "sha256:" + "2".repeat(64);
  private static final String ALPINE = "sha256:" + "3".repeat(64);
  private static final Map<String, String> BOOKWORM =
      Map.of(
          "ID",
          "debian",
          "NAME",
          "Debian GNU/Linux",
          "VERSION_ID",
          "12",
          "VERSION_CODENAME",
          "bookworm",
          "PRETTY_NAME",
          "Debian GNU/Linux 12 (bookworm)");
  private static final Map<String, String> ALPINE_3_20 =
      Map.of("ID", "alpine", "NAME", "Alpine Linux", "VERSION_ID", "3.20.3");
  private static final Distribution ANY_DISTRIBUTION = distribution("", "", "");

  private DataSource dataSource;
  private ScanStore store;
  private ScanQueries queries;

  @BeforeEach
  void storedReports() {
    dataSource = TestPostgres.dataSource(TestPostgres.freshDatabase());
    Flyway.configure().dataSource(dataSource).load().migrate();
    store = new ScanStore(dataSource, Duration.ofSeconds(5));
    queries = new ScanQueries(dataSource, Duration.ofSeconds(5));
    index(
        DEBIAN_OLD,
        "1",
        "var/lib/dpkg/status",
        BOOKWORM,
        new InstalledPackage("libssl3", "3.0.15-1~deb12u1", "amd64", "openssl", "3.0.15-1~deb12u1"),
        new InstalledPackage("tzdata", "2025b-0+deb12u1", "all", "tzdata", "2025b-0+deb12u1"),
        new InstalledPackage("zlib1g", "1:1.2.13.dfsg-1", "amd64", "zlib", "1:1.2.13.dfsg-1"));
    index(
        DEBIAN_FIXED,
        "2",
        "var/lib/dpkg/status",
        BOOKWORM,
        new InstalledPackage("libssl3", "3.0.15-1", "amd64", "openssl", "3.0.15-1"));
    index(
        ALPINE,
        "3",
        "lib/apk/db/installed",
        ALPINE_3_20,
        new InstalledPackage("libssl3", "3.3.1-r3", "x86_64", "openssl", "3.3.1-r3"));
  }

  @Test
  void aManifestIsAffectedByNameKindDistributionAndAVersionBelowTheFix() {
    List<VulnerablePackage> vulnerabilities =
        List.of(
            // The source package, on Debian: ~deb12u1 is below the fix, the fixed version itself is
            // not.
            new VulnerablePackage(
                "openssl-debian", "openssl", "", distribution("debian", "12", ""), "3.0.15-1"),
            // Any version of the binary package, in any distribution.
            new VulnerablePackage("libssl3-any", "libssl3", "binary", ANY_DISTRIBUTION, ""),
            // libssl3 is only ever a binary package.
            new VulnerablePackage("libssl3-source", "libssl3", "source", ANY_DISTRIBUTION, ""),
            // The epoch 1: makes 1:1.2.13 greater than 1.2.14.
            new VulnerablePackage(
                "zlib-no-epoch", "zlib", "source", distribution("debian", "", ""), "1.2.14"),
            new VulnerablePackage(
                "zlib-epoch",
                "zlib1g",
                "binary",
                distribution("debian", "", ""),
                "1:1.2.13.dfsg-2"),
            // A package that is its own source (no Source: field).
            new VulnerablePackage(
                "tzdata",
                "tzdata",
                "source",
                distribution("debian", "", "bookworm"),
                "2025c-0+deb12u1"),
            // apk's order for Alpine: 3.3.1-r3 < 3.3.2-r0.
            new VulnerablePackage(
                "openssl-alpine",
                "openssl",
                "source",
                distribution("alpine", "3.20.3", ""),
                "3.3.2-r0"),
            new VulnerablePackage(
                "openssl-alpine-old", "openssl", "", distribution("alpine", "", ""), "3.3.1-r3"),
            // Another release of the distribution.
            new VulnerablePackage(
                "openssl-trixie", "openssl", "", distribution("debian", "", "trixie"), ""),
            new VulnerablePackage("unknown", "not-installed", "", ANY_DISTRIBUTION, ""));

    assertThat(queries.affectedManifests(vulnerabilities))
        .containsExactly(
            Map.entry(DEBIAN_OLD, List.of("openssl-debian", "libssl3-any", "zlib-epoch", "tzdata")),
            Map.entry(DEBIAN_FIXED, List.of("libssl3-any")),
            Map.entry(ALPINE, List.of("libssl3-any", "openssl-alpine")));
  }

  @Test
  void aDistributionCpeIsComparedBoundAndMustBeWellFormed() {
    Distribution withCpe =
        new Distribution("", "debian", "", "", "", "", "", "cpe:/o:debian:debian_linux:12", "");
    assertThat(
            queries.affectedManifests(
                List.of(new VulnerablePackage("cpe", "openssl", "", withCpe, ""))))
        .as("the images' os-release name no CPE")
        .isEmpty();
    Distribution badCpe = new Distribution("", "", "", "", "", "", "", "debian 12", "");
    assertThatThrownBy(() -> new VulnerablePackage("bad", "openssl", "", badCpe, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a well-formed CPE");
  }

  @Test
  void deletingAReportDeletesItsPackageRows() {
    queries.deleteReports(List.of(DEBIAN_OLD));

    assertThat(
            queries.affectedManifests(
                List.of(new VulnerablePackage("any", "libssl3", "", ANY_DISTRIBUTION, ""))))
        .containsOnlyKeys(DEBIAN_FIXED, ALPINE);
    assertThat(rows(DEBIAN_OLD)).isZero();
  }

  @Test
  void lookupsByNameCanUseTheIndex() {
    JdbcClient jdbc = JdbcClient.create(dataSource);
    // With so few rows the planner would scan the table; forbidding that shows the index serves the
    // lookup.
    List<String> plan =
        new TransactionTemplate(new DataSourceTransactionManager(dataSource))
            .execute(
                status -> {
                  jdbc.sql("SET LOCAL enable_seqscan = off").update();
                  return jdbc.sql(
                          "EXPLAIN SELECT * FROM index_report_packages WHERE name IN ('openssl', 'zlib')")
                      .query(String.class)
                      .list();
                });
    assertThat(String.join("\n", plan)).contains("index_report_packages_name_idx");
  }

  @Test
  void reportsStoredBeforeTheMigrationGetTheirRows() {
    DataSource before = TestPostgres.dataSource(TestPostgres.freshDatabase());
    Flyway.configure().dataSource(before).target("7").load().migrate();
    // A report as the version 1 scanners wrote it: package_db on the package, no source when
    // Source: was absent.
    String digest = "sha256:" + "4".repeat(64);
    String report =
        """
        {"manifest_hash":"%s","state":"IndexFinished",
         "packages":{"1":{"id":"1","name":"libssl3","version":"3.0.15-1~deb12u1","kind":"binary",
           "source":{"id":"3","name":"openssl","version":"3.0.15-1~deb12u1","kind":"source","source":null,"arch":"",
             "package_db":"var/lib/dpkg/status"},"arch":"amd64","package_db":"var/lib/dpkg/status"},
           "2":{"id":"2","name":"tzdata","version":"2025b-0+deb12u1","kind":"binary","source":null,"arch":"all",
             "package_db":"var/lib/dpkg/status"}},
         "distributions":{"1":{"id":"1","did":"debian","name":"Debian GNU/Linux","version":"",
           "version_code_name":"bookworm","version_id":"12","arch":"","cpe":"","pretty_name":""}},
         "repository":{},
         "environments":{"1":[{"package_db":"var/lib/dpkg/status","introduced_in":"%s","distribution_id":"1",
           "repository_ids":[]}],"2":[{"package_db":"var/lib/dpkg/status","introduced_in":"%s",
           "distribution_id":"1","repository_ids":[]}]},
         "success":true,"err":""}"""
            .formatted(digest, "sha256:" + "5".repeat(64), "sha256:" + "5".repeat(64));
    JdbcClient.create(before)
        .sql(
            "INSERT INTO index_reports (manifest_digest, index_state, state, success, err, report, written_by_run)"
                + " VALUES (:digest, :state, 'IndexFinished', true, '', :report, 'run-0')")
        .param("digest", digest)
        .param("state", STATE)
        .param("report", report)
        .update();

    Flyway.configure().dataSource(before).load().migrate();

    ScanQueries migrated = new ScanQueries(before, Duration.ofSeconds(5));
    assertThat(
            migrated.affectedManifests(
                List.of(
                    new VulnerablePackage(
                        "openssl",
                        "openssl",
                        "source",
                        distribution("debian", "12", ""),
                        "3.0.15-1"),
                    new VulnerablePackage("libssl3", "libssl3", "binary", ANY_DISTRIBUTION, ""),
                    new VulnerablePackage(
                        "tzdata", "tzdata", "binary", distribution("debian", "", "bookworm"), ""))))
        .containsExactly(Map.entry(digest, List.of("openssl", "libssl3", "tzdata")));
  }

  private long rows(String digest) {
    return JdbcClient.create(dataSource)
        .sql("SELECT count(*) FROM index_report_packages WHERE manifest_digest = :digest")
        .param("digest", digest)
        .query(Long.class)
        .single();
  }

  /**
   * Stores the finished report of a one-layer image holding {@code packages} in {@code packageDb}.
   */
  private void index(
      String digest,
      String layerNumber,
      String packageDb,
      Map<String, String> osRelease,
      InstalledPackage... packages) {
    String layer = "sha256:" + ("f" + layerNumber).repeat(32);
    store.storeLayerScan(
        layer,
        STATE,
        new LayerScan(
            List.of(new LayerScan.PackageDatabase(packageDb, List.of(packages))),
            List.of(new LayerScan.OsRelease("etc/os-release", null, osRelease)),
            List.of(),
            List.of()));
    store.begin(digest, "run-" + layerNumber);
    store.writeFinished(digest, "run-" + layerNumber, STATE, List.of(layer));
  }

  private static Distribution distribution(String did, String versionId, String versionCodeName) {
    return new Distribution("", did, "", "", versionCodeName, versionId, "", "", "");
  }
}
