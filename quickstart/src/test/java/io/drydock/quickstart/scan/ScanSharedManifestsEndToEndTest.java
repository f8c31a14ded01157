package io.drydock.quickstart.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.demo.DemoLegacyStorage;
import io.drydock.quickstart.DrydockStack;
import io.drydock.quickstart.ScanTestClient;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Base images are in every repository. Sixty repositories holding the same manifests, imported at
 * once, each start the bulk rescan that indexes their manifests: every manifest is indexed exactly
 * once, and no rescan supersedes another. Before rescans were one workflow per digest, the same
 * load failed about 550 activities with {@code ScanSuperseded} and wrote each report several times.
 */
class ScanSharedManifestsEndToEndTest {
  private static final String BASE = "shared/base";
  private static final int IMAGES = 6;
  private static final int REPOSITORIES = 60;

  @Test
  void sixtyRepositoriesSharingTheirManifestsIndexEachManifestOnceWithoutSupersedingAnyRescan()
      throws Exception {
    DrydockStack stack = DrydockStack.shared();
    ScanTestClient client = new ScanTestClient(stack.baseUrl);
    DemoLegacyStorage.generateDebianImages(stack.legacyRoot, BASE, IMAGES);
    List<String> repositories =
        IntStream.range(0, REPOSITORIES)
            .mapToObj(i -> String.format("shared/repository-%02d", i))
            .toList();
    repositories.forEach(repository -> stack.copyRepository(BASE, repository));
    ScanAudit audit = ScanAudit.install(stack.database);
    long auditStart = audit.lastId();

    ExecutorService callers = Executors.newFixedThreadPool(REPOSITORIES);
    try {
      CompletableFuture.allOf(
              repositories.stream()
                  .map(
                      repository ->
                          CompletableFuture.runAsync(
                              () -> client.importRepository(repository), callers))
                  .toArray(CompletableFuture[]::new))
          .get();
    } finally {
      callers.shutdownNow();
    }
    long joined = 0;
    for (String repository : repositories) {
      joined +=
          ScanTestClient.importIndexingResult(stack.workflows, stack.database, repository).joined();
    }

    List<String> digests = client.scanStatuses(repositories.get(0), 100).keySet().stream().toList();
    assertThat(digests).hasSize(IMAGES);
    Map<String, Long> reportWrites = new TreeMap<>();
    Map<String, Map<String, Long>> failedAttempts = new TreeMap<>();
    for (String digest : digests) {
      reportWrites.put(digest, (long) audit.writesAfter(auditStart, digest).size());
      failedAttempts.put(digest, ScanTestClient.failedRescanAttempts(stack.workflows, digest));
    }
    System.out.printf(
        "[drydock-tests] %d repositories sharing %d manifests: report writes %s, rescans joined %d, failed"
            + " attempts %s%n",
        REPOSITORIES, IMAGES, reportWrites.values(), joined, failedAttempts.values());
    assertThat(reportWrites)
        .as("index_reports writes per manifest")
        .allSatisfy((digest, n) -> assertThat(n).isOne());
    assertThat(audit.writesAfter(auditStart, digests.toArray(String[]::new)))
        .allSatisfy(write -> assertThat(write.state()).isEqualTo("IndexFinished"));
    assertThat(failedAttempts)
        .as("failed rescan activities per manifest")
        .allSatisfy((digest, failed) -> assertThat(failed).isEmpty());
  }
}
