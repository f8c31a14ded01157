package io.drydock.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes legacy storage trees for demos, tests and benchmarks: real blobs with real digests and
 * sizes, laid out as the CNCF distribution lays them out. The output is byte for byte the same on
 * every run, and writing over an existing tree only adds what is missing.
 */
public final class DemoLegacyStorage {
  public static final List<String> DEMO_REPOSITORIES =
      List.of("demo/debian", "demo/alpine", "demo/multiarch", "group/project/app");

  static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

  static final ObjectMapper JSON = new ObjectMapper();
  private static final String PATH_ENV =
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static final Platform LINUX_AMD64 = new Platform("amd64", null, "x86_64");
  private static final Platform LINUX_ARM64 = new Platform("arm64", "v8", "aarch64");

  private DemoLegacyStorage() {}

  /**
   * Writes the four {@link #DEMO_REPOSITORIES} under {@code root}, the directory that will contain
   * {@code docker/}.
   */
  public static void generate(Path root) {
    LegacyTreeWriter tree = new LegacyTreeWriter(Objects.requireNonNull(root, "root"));
    DemoLayer debianBase = debianBase();
    List<History> debianBaseHistory = debianBaseHistory(debianBase);
    writeDebian(new Repository(tree, "demo/debian"), debianBase, debianBaseHistory);
    writeAlpine(new Repository(tree, "demo/alpine"));
    writeMultiarch(new Repository(tree, "demo/multiarch"));
    writeApp(new Repository(tree, "group/project/app"), debianBase, debianBaseHistory);
  }

  /**
   * Writes {@code manifestCount} distinct Docker schema 2 manifests into one repository, each with
   * its own small config and all sharing one small layer, and tags every {@code tagsEvery}-th one
   * ({@code t0}, {@code t<tagsEvery>}, ...). One manifest is held in memory at a time, so 100,000
   * of them are fine.
   */
  public static void generateSynthetic(
      Path root, String repositoryPath, int manifestCount, int tagsEvery) {
    if (tagsEvery < 1) {
      throw new IllegalArgumentException("tagsEvery must be at least 1: " + tagsEvery);
    }
    Repository repository =
        new Repository(new LegacyTreeWriter(Objects.requireNonNull(root, "root")), repositoryPath);
    writeSynthetic(
        repository,
        manifestCount,
        (i, manifest) -> {
          if (i % tagsEvery == 0) {
            repository.tag("t" + i, manifest);
          }
        });
  }

  /**
   * Writes {@code manifestCount} manifests as {@link #generateSynthetic} does and {@code tagCount}
   * tags ({@code t0}, {@code t1}, ...) pointing at them in turn, each tag with its current link
   * only, as in a registry whose tag history was purged, and the links of tags pointing at the same
   * manifest hard links of one file: a million tags then take two million directories and no more
   * files than manifests. Nothing is held in memory but one manifest.
   */
  public static void generateSyntheticTags(
      Path root, String repositoryPath, int manifestCount, int tagCount) {
    if (manifestCount < 1) {
      throw new IllegalArgumentException("manifestCount must be at least 1: " + manifestCount);
    }
    LegacyTreeWriter tree = new LegacyTreeWriter(Objects.requireNonNull(root, "root"));
    writeSynthetic(
        new Repository(tree, repositoryPath),
        manifestCount,
        (i, manifest) -> {
          if (i < tagCount) {
            tree.addTag(repositoryPath, "t" + i, manifest.digest());
          }
        });
    for (int i = manifestCount; i < tagCount; i++) {
      tree.addTagLike(repositoryPath, "t" + i, "t" + (i % manifestCount));
    }
  }

  private interface SyntheticManifests {
    void written(int index, Descriptor manifest);
  }

  private static void writeSynthetic(
      Repository repository, int manifestCount, SyntheticManifests written) {
    if (manifestCount < 0) {
      throw new IllegalArgumentException("manifestCount must not be negative: " + manifestCount);
    }
    DemoLayer layer =
        DemoLayer.builder()
            .file(
                "synthetic/README",
                "A layer shared by every synthetic manifest of " + repository.path() + ".\n")
            .build();
    Descriptor layerDescriptor = repository.layer(layer, DOCKER_LAYER);
    for (int i = 0; i < manifestCount; i++) {
      ObjectNode runtime = JSON.createObjectNode();
      runtime.putArray("Env").add(PATH_ENV);
      runtime.putObject("Labels").put("io.drydock.synthetic.index", Integer.toString(i));
      Descriptor config =
          repository.config(
              ImageDocuments.config(
                  LINUX_AMD64,
                  "2024-06-01T00:00:00Z",
                  runtime,
                  List.of(new History("2024-06-01T00:00:00Z", "synthetic build " + i)),
                  List.of(layer)),
              DOCKER_CONFIG);
      written.written(
          i,
          repository.manifest(
              ImageDocuments.imageManifest(DOCKER_MANIFEST, config, List.of(layerDescriptor))));
    }
  }

  /**
   * Writes {@code manifestCount} distinct Debian images into one repository, each tagged ({@code
   * t0}, {@code t1}, ...): the demo Debian base layer (its os-release and dpkg status, the same
   * blob for all) with one small layer of its own on top, so that every image has a layer no other
   * image has and its index report lists the demo's Debian packages. Deterministic, and one image
   * is held in memory at a time.
   */
  public static void generateDebianImages(Path root, String repositoryPath, int manifestCount) {
    if (manifestCount < 0) {
      throw new IllegalArgumentException("manifestCount must not be negative: " + manifestCount);
    }
    Repository repository =
        new Repository(new LegacyTreeWriter(Objects.requireNonNull(root, "root")), repositoryPath);
    DemoLayer base = debianBase();
    List<History> baseHistory = debianBaseHistory(base);
    for (int i = 0; i < manifestCount; i++) {
      DemoLayer own =
          DemoLayer.builder()
              .file("usr/share/drydock/image", repositoryPath + " image " + i + "\n")
              .build();
      List<History> history = new ArrayList<>(baseHistory);
      history.add(
          new History(
              "2024-06-14T00:00:00Z", "COPY image /usr/share/drydock/image # buildkit " + i));
      ObjectNode runtime = JSON.createObjectNode();
      runtime.putArray("Env").add(PATH_ENV);
      runtime.putArray("Cmd").add("bash");
      repository.tag(
          "t" + i,
          dockerImage(repository, "2024-06-14T00:00:00Z", runtime, history, List.of(base, own)));
    }
  }

  /**
   * The demo Debian base layer: the files a scanner reads (os-release, dpkg status) and a few
   * others.
   */
  private static DemoLayer debianBase() {
    return DemoLayer.builder()
        .file("etc/debian_version", DemoContent.DEBIAN_VERSION)
        .file("etc/motd", DemoContent.DEBIAN_MOTD)
        .file("etc/os-release", DemoContent.DEBIAN_OS_RELEASE)
        .file("var/lib/dpkg/status", DemoContent.DPKG_STATUS)
        .build();
  }

  private static List<History> debianBaseHistory(DemoLayer debianBase) {
    return List.of(
        new History(
            "2024-06-12T00:00:00Z",
            "/bin/sh -c #(nop) ADD file:" + debianBase.diffId().hex() + " in / "),
        new History("2024-06-12T00:00:00Z", "/bin/sh -c #(nop)  CMD [\"bash\"]", true));
  }

  private static void writeDebian(
      Repository repository, DemoLayer base, List<History> baseHistory) {
    DemoLayer changes =
        DemoLayer.builder()
            .file("usr/share/demo/hello.txt", "Hello from the Drydock demo image.\n")
            .whiteout("etc/motd")
            .build();
    List<History> history = new ArrayList<>(baseHistory);
    history.add(
        new History(
            "2024-06-13T09:30:00Z",
            "RUN /bin/sh -c rm /etc/motd && mkdir -p /usr/share/demo && echo 'Hello from the Drydock demo image.' >"
                + " /usr/share/demo/hello.txt # buildkit"));
    ObjectNode runtime = JSON.createObjectNode();
    runtime.putArray("Env").add(PATH_ENV);
    runtime.putArray("Cmd").add("bash");
    Descriptor manifest =
        dockerImage(repository, "2024-06-13T09:30:00Z", runtime, history, List.of(base, changes));
    repository.tag("12", manifest);
    repository.tag("latest", manifest);
  }

  private static void writeAlpine(Repository repository) {
    Descriptor manifest = alpineImage(repository, LINUX_AMD64);
    repository.tag("3.20", manifest);
  }

  private static void writeMultiarch(Repository repository) {
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", OCI_INDEX);
    ArrayNode manifests = index.putArray("manifests");
    for (Platform platform : List.of(LINUX_AMD64, LINUX_ARM64)) {
      ObjectNode child = alpineImage(repository, platform).toJson();
      ObjectNode platformJson = child.putObject("platform");
      platformJson.put("architecture", platform.architecture());
      platformJson.put("os", "linux");
      if (platform.variant() != null) {
        platformJson.put("variant", platform.variant());
      }
      manifests.add(child);
    }
    repository.tag("latest", repository.manifest(index));
  }

  private static Descriptor alpineImage(Repository repository, Platform platform) {
    DemoLayer layer =
        DemoLayer.builder()
            .file("etc/alpine-release", DemoContent.ALPINE_RELEASE)
            .file("etc/os-release", DemoContent.ALPINE_OS_RELEASE)
            .file("lib/apk/db/installed", DemoContent.apkInstalled(platform.apkArchitecture()))
            .build();
    ObjectNode runtime = JSON.createObjectNode();
    runtime.putArray("Env").add(PATH_ENV);
    runtime.putArray("Cmd").add("/bin/sh");
    List<History> history =
        List.of(
            new History(
                "2024-09-06T12:05:36Z",
                "ADD alpine-minirootfs-3.20.3-"
                    + platform.apkArchitecture()
                    + ".tar.gz / # buildkit"),
            new History("2024-09-06T12:05:36Z", "CMD [\"/bin/sh\"]", true));
    Descriptor config =
        repository.config(
            ImageDocuments.config(
                platform, "2024-09-06T12:05:36Z", runtime, history, List.of(layer)),
            OCI_CONFIG);
    return repository.manifest(
        ImageDocuments.imageManifest(
            OCI_MANIFEST, config, List.of(repository.layer(layer, OCI_LAYER))));
  }

  private static void writeApp(Repository repository, DemoLayer base, List<History> baseHistory) {
    Descriptor v1 = appImage(repository, base, baseHistory, "1.0.0", "2024-07-01T10:00:00Z");
    Descriptor abandoned =
        appImage(repository, base, baseHistory, "1.1.0-rc.1", "2024-07-20T10:00:00Z");
    Descriptor v2 = appImage(repository, base, baseHistory, "2.0.0", "2024-08-01T10:00:00Z");
    repository.tag("v1", v1);
    repository.tag("v2", v2);
    // main once pointed at the release candidate; moving it to v2 left that manifest untagged, as
    // garbage.
    repository.recordTagHistory("main", abandoned);
    repository.tag("main", v2);
  }

  private static Descriptor appImage(
      Repository repository,
      DemoLayer base,
      List<History> baseHistory,
      String version,
      String created) {
    DemoLayer app =
        DemoLayer.builder()
            .file("opt/app/VERSION", version + "\n")
            .executable(
                "opt/app/bin/app",
                "#!/bin/bash\nset -eu\necho \"app " + version + " is running\"\nsleep infinity\n")
            .build();
    List<History> history = new ArrayList<>(baseHistory);
    history.add(new History(created, "ENV APP_VERSION=" + version, true));
    history.add(new History(created, "COPY app/ /opt/app/ # buildkit"));
    history.add(new History(created, "ENTRYPOINT [\"/opt/app/bin/app\"]", true));
    ObjectNode runtime = JSON.createObjectNode();
    runtime.putArray("Env").add(PATH_ENV).add("APP_VERSION=" + version);
    runtime.putArray("Entrypoint").add("/opt/app/bin/app");
    runtime.put("WorkingDir", "/opt/app");
    ObjectNode labels = runtime.putObject("Labels");
    labels.put("org.opencontainers.image.source", "https://git.example.com/group/project");
    labels.put("org.opencontainers.image.version", version);
    return dockerImage(repository, created, runtime, history, List.of(base, app));
  }

  private static Descriptor dockerImage(
      Repository repository,
      String created,
      ObjectNode runtime,
      List<History> history,
      List<DemoLayer> layers) {
    Descriptor config =
        repository.config(
            ImageDocuments.config(LINUX_AMD64, created, runtime, history, layers), DOCKER_CONFIG);
    List<Descriptor> layerDescriptors = new ArrayList<>();
    for (DemoLayer layer : layers) {
      layerDescriptors.add(repository.layer(layer, DOCKER_LAYER));
    }
    return repository.manifest(
        ImageDocuments.imageManifest(DOCKER_MANIFEST, config, layerDescriptors));
  }
}
