package io.drydock.activities.scan.indexer;

import io.drydock.activities.scan.indexer.LayerScan.InstalledPackage;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/** What dpkg itself says is installed: the reference for the dpkg scanner. */
final class DpkgQuery {
  private static final String INSTALLED = "installed ";

  private DpkgQuery() {}

  /**
   * "name version arch source-name source-version" of the packages dpkg-query lists as installed in
   * the database directory {@code admin}, or in the committed output {@code expectedResource} it
   * gave when dpkg-query is not installed. dpkg-query's {@code source:Package} and {@code
   * source:Version} fall back to the binary's own name and version when the stanza has no {@code
   * Source:}, as claircore's dpkg scanner does.
   */
  static List<String> installed(Path admin, String expectedResource) {
    List<String> output =
        HostTool.outputLines(
                "dpkg-query",
                "--admindir=" + admin,
                "-W",
                "-f=${db:Status-Status} ${Package} ${Version} ${Architecture} ${source:Package} ${source:Version}\\n")
            .orElseGet(() -> TestLayer.resource(expectedResource).lines().toList());
    return output.stream()
        .filter(line -> line.startsWith(INSTALLED))
        .map(line -> line.substring(INSTALLED.length()))
        .toList();
  }

  static List<String> lines(Collection<InstalledPackage> packages) {
    return packages.stream()
        .map(
            p ->
                p.name()
                    + " "
                    + p.version()
                    + " "
                    + p.arch()
                    + " "
                    + p.sourceName()
                    + " "
                    + p.sourceVersion())
        .toList();
  }
}
