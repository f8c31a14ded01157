package io.drydock.benchmarks.replication;

import io.drydock.activities.replication.CopyPolls;
import io.drydock.benchmarks.Json;
import io.drydock.benchmarks.replication.BenchmarkSleds.Member;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Oxide's replication plan as its control plane ran it (brief, section 4), executed by the
 * benchmark against the same kind of sleds as Drydock's: the config on every sled, then {@value
 * #PUTS_PER_ARTIFACT} puts of each artifact from the depot to distinct random sleds, then, once the
 * puts are done, every other sled copies the artifact from a random sled that has it. At most
 * {@code inFlight} requests at once, as Drydock's workflow; a copy holds its slot until the target
 * lists the artifact, polled as Drydock's copy activity polls ({@link CopyPolls}), since the sled
 * answers 202 before copying. A request that fails stops the benchmark: on healthy sleds none
 * should. Its longest chain is {@link #CHAIN}: put, then copy.
 */
final class OxidePlan {
  /** Oxide's MIN_SLED_REPLICATION: the control plane sends each artifact this many times. */
  static final int PUTS_PER_ARTIFACT = 3;

  private static final long GENERATION = 1;

  /**
   * Hops from the depot to the farthest sled: a put, then one copy from a sled the depot put it on.
   */
  static final int CHAIN = 2;

  private static final Duration COPY_TIMEOUT = Duration.ofMinutes(5);

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final int inFlight;
  private final Random random;

  /** What the plan sent. */
  record Sent(int puts, int copies) {}

  OxidePlan(int inFlight, Random random) {
    this.inFlight = inFlight;
    this.random = random;
  }

  Sent execute(List<Member> sleds, List<String> artifacts, Path depot) throws InterruptedException {
    ExecutorService slots = Executors.newFixedThreadPool(inFlight);
    try {
      List<Callable<Void>> configs = new ArrayList<>();
      byte[] config = json(Map.of("generation", GENERATION, "artifacts", artifacts));
      for (Member sled : sleds) {
        configs.add(
            () ->
                expect(
                    204,
                    send(
                        sled,
                        "PUT",
                        "/artifacts-config",
                        HttpRequest.BodyPublishers.ofByteArray(config))));
      }
      runAll(slots, configs);

      Map<String, List<Member>> holders = new HashMap<>();
      List<Callable<Void>> puts = new ArrayList<>();
      for (String artifact : artifacts) {
        List<Member> targets = new ArrayList<>(sleds);
        Collections.shuffle(targets, random);
        holders.put(
            artifact, List.copyOf(targets.subList(0, Math.min(PUTS_PER_ARTIFACT, targets.size()))));
        for (Member target : holders.get(artifact)) {
          puts.add(() -> put(target, artifact, depot.resolve(artifact)));
        }
      }
      Collections.shuffle(puts, random);
      runAll(slots, puts);

      List<Callable<Void>> copies = new ArrayList<>();
      for (String artifact : artifacts) {
        List<Member> sources = holders.get(artifact);
        for (Member target : sleds) {
          if (!sources.contains(target)) {
            Member source = sources.get(random.nextInt(sources.size()));
            copies.add(() -> copy(target, source, artifact));
          }
        }
      }
      Collections.shuffle(copies, random);
      runAll(slots, copies);
      return new Sent(puts.size(), copies.size());
    } finally {
      slots.shutdownNow();
    }
  }

  private Void put(Member target, String artifact, Path file)
      throws IOException, InterruptedException {
    String path = "/artifacts/" + artifact + "?generation=" + GENERATION;
    return expect(200, send(target, "PUT", path, HttpRequest.BodyPublishers.ofFile(file)));
  }

  private Void copy(Member target, Member source, String artifact)
      throws IOException, InterruptedException {
    byte[] body = json(Map.of("depot_base_url", source.front().toString()));
    expect(
        202,
        send(
            target,
            "POST",
            "/artifacts/" + artifact + "/copy-from-depot?generation=" + GENERATION,
            HttpRequest.BodyPublishers.ofByteArray(body)));
    long accepted = System.nanoTime();
    long deadline = accepted + COPY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> listed =
          send(target, "GET", "/artifacts", HttpRequest.BodyPublishers.noBody());
      if (listed.statusCode() == 200
          && Json.MAPPER.readTree(listed.body()).path("list").has(artifact)) {
        return null;
      }
      Thread.sleep(CopyPolls.nextWaitMillis((System.nanoTime() - accepted) / 1_000_000));
    }
    throw new IllegalStateException(
        target.id() + " did not list " + artifact + " within " + COPY_TIMEOUT);
  }

  private HttpResponse<String> send(
      Member sled, String method, String path, HttpRequest.BodyPublisher body)
      throws IOException, InterruptedException {
    // The sled agent API version whose artifact endpoints Nexus and the reference sled agent speak.
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(sled.front() + path))
            .method(method, body)
            .header("api-version", "48.0.0");
    if (!method.equals("GET")) {
      boolean artifactBytes = method.equals("PUT") && path.startsWith("/artifacts/");
      request.header(
          "Content-Type", artifactBytes ? "application/octet-stream" : "application/json");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Void expect(int status, HttpResponse<String> answer) {
    if (answer.statusCode() != status) {
      throw new IllegalStateException(
          answer.request().method()
              + " "
              + answer.request().uri()
              + " answered "
              + answer.statusCode()
              + ": "
              + answer.body());
    }
    return null;
  }

  private static void runAll(ExecutorService slots, List<Callable<Void>> requests)
      throws InterruptedException {
    List<Future<Void>> sent = new ArrayList<>();
    requests.forEach(request -> sent.add(slots.submit(request)));
    for (Future<Void> request : sent) {
      try {
        request.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("a request of the Oxide-style plan failed", e.getCause());
      }
    }
  }

  private static byte[] json(Object value) {
    try {
      return Json.MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
