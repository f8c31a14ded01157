package io.drydock.quickstart.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.demo.DemoLegacyStorage;
import io.drydock.quickstart.DrydockStack;
import io.drydock.quickstart.SeparateWorkersStack;
import io.drydock.quickstart.SeparateWorkersStack.WorkerProcess;
import io.drydock.workflows.migration.MigrationWorkflows;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A zombie run cannot change anything. Run A's worker is frozen (SIGSTOP) between two batches of
 * its pre-import and cut off from Temporal, so its activity hears neither the cancel nor the
 * termination; the repository is canceled, released after the grace deadline, pre-imported and
 * final-imported by run B on another worker; then A's worker is thawed and its activity goes on as
 * if nothing had happened, reading tags that now point at manifests B never saw. Every batch it
 * tries is refused (fenced out), and the status, owner and rows stay B's.
 */
class ZombieRunEndToEndTest {
  private static final String REPOSITORY = "zombie/big";

  /** Same tag names as {@link #REPOSITORY}, other manifests: what the thawed zombie will read. */
  private static final String DECOY = "zombie/decoy";

  private static final int MANIFESTS = 3000;

  /**
   * Manifests the zombie's worker writes per transaction: small batches make a pre-import of many
   * short transactions, with moments between them to freeze the worker in while it still has
   * batches to write.
   */
  private static final int ZOMBIE_BATCH_SIZE = 20;

  private static final Duration CANCEL_GRACE = Duration.ofSeconds(2);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static CompletableFuture<Void> generated;
  private static SeparateWorkersStack stack;
  private static TemporalLink link;

  @BeforeAll
  static void startStack() throws IOException {
    Path legacyRoot = SeparateWorkersStack.newLegacyRoot("drydock-zombie-legacy-");
    // Writing the repositories takes about as long as starting the stack and the first worker: they
    // overlap.
    generated =
        CompletableFuture.allOf(
            CompletableFuture.runAsync(
                () -> DemoLegacyStorage.generateSynthetic(legacyRoot, REPOSITORY, MANIFESTS, 1)),
            CompletableFuture.runAsync(
                () -> DemoLegacyStorage.generateSynthetic(legacyRoot, DECOY, MANIFESTS, 1)));
    stack = SeparateWorkersStack.start(legacyRoot, CANCEL_GRACE);
    link = new TemporalLink(stack.temporal.target());
  }

  @AfterAll
  static void stopStack() {
    if (generated != null) {
      generated.handle((done, failure) -> done).join();
    }
    if (link != null) {
      link.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aFencedOutRunThatKeepsGoingChangesNothing() throws Exception {
    // The SDK stops an activity by itself when its heartbeats have failed for the heartbeat timeout
    // plus a buffer;
    // a ten-minute buffer turns that off, so the thawed activity really keeps going and only the
    // fence can stop it.
    WorkerProcess zombie =
        stack.startWorker(
            "zombie-1",
            link.target(),
            List.of(
                "-Dtemporal.activity.localTimeoutBufferMs=600000",
                "-Ddrydock.migration.batch-size=" + ZOMBIE_BATCH_SIZE));
    generated.join();
    assertThat(put("pre").statusCode()).isEqualTo(202);
    String runA = runId(MigrationWorkflows.preImportWorkflowId(REPOSITORY));
    String ownerA = ownerToken();

    long frozenAt = freezeBetweenBatches(zombie);
    link.cut();
    System.out.printf(
        "[zombie] worker %d frozen and cut off from Temporal at %d manifests%n",
        zombie.pid(), frozenAt);

    Instant deleteSent = Instant.now();
    HttpResponse<String> canceled =
        stack.request("DELETE", "/gitlab/v1/import/" + REPOSITORY + "/");
    Instant deleteAnswered = Instant.now();
    assertThat(canceled.statusCode()).isEqualTo(202);
    assertThat(JSON.readTree(canceled.body()).path("status").asText())
        .isEqualTo("pre_import_canceled");
    Timestamp canceledAt = timestamp("canceled_at");
    HttpResponse<String> tooSoon = put("pre");
    assertThat(tooSoon.statusCode()).as(tooSoon.body()).isEqualTo(429);
    assertThat(JSON.readTree(tooSoon.body()).path("errors").path(0).path("code").asText())
        .isEqualTo("IMPORT_REPOSITORY_NOT_READY");
    HttpResponse<String> again = putUntilNot429("pre", Duration.ofSeconds(30));
    assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
    // Both on the database's clock: the cancel's time, and the time of the claim that the release
    // let through.
    Duration released =
        Duration.between(canceledAt.toInstant(), timestamp("updated_at").toInstant());
    System.out.printf(
        "[zombie] DELETE answered in %d ms; repository released %d ms after the cancel (grace %s)%n",
        Duration.between(deleteSent, deleteAnswered).toMillis(), released.toMillis(), CANCEL_GRACE);
    assertThat(released).isGreaterThanOrEqualTo(CANCEL_GRACE);
    assertThat(ownerToken()).isNotEqualTo(ownerA);

    stack.startWorker("zombie-2");
    awaitStatus("pre_import_complete");
    assertThat(put("final").statusCode()).isEqualTo(202);
    awaitStatus("import_complete");
    DrydockStack.await(
        ZombieRunEndToEndTest::repositoryRow,
        row -> Boolean.TRUE.equals(row.get("owner_closed")),
        Duration.ofSeconds(30),
        "run B's final import to close");
    Map<String, Object> completed = repositoryRow();
    long tags =
        stack.count(
            "SELECT count(*) FROM tags t JOIN repositories r ON r.id = t.repository_id"
                + " WHERE r.path = ?",
            REPOSITORY);
    assertThat(stack.manifests(REPOSITORY)).isEqualTo(MANIFESTS);
    assertThat(tags).isEqualTo(MANIFESTS);
    assertThat(
            stack
                .workflows
                .newUntypedWorkflowStub(
                    MigrationWorkflows.preImportWorkflowId(REPOSITORY),
                    Optional.of(runA),
                    Optional.empty())
                .describe()
                .getStatus())
        .as("run A's workflow was terminated when B started")
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);

    repointTagsAtTheDecoy();
    zombie.resume();
    Instant thawed = Instant.now();
    DrydockStack.await(
        () -> zombie.logText().contains("is no longer owned by this run"),
        Boolean::booleanValue,
        Duration.ofSeconds(30),
        "the thawed zombie to try a batch and be fenced out (see " + zombie.log + ")");
    System.out.printf(
        "[zombie] thawed zombie fenced out after %d ms%n",
        Duration.between(thawed, Instant.now()).toMillis());
    // Whatever else the zombie would do (more batches, a status write) has had time to happen.
    Thread.sleep(5000);

    assertThat(repositoryRow()).as("status, owner and last update are B's").isEqualTo(completed);
    assertThat(stack.manifests(REPOSITORY))
        .as("none of the decoy's manifests")
        .isEqualTo(MANIFESTS);
    assertThat(
            stack.count(
                "SELECT count(*) FROM repository_blobs b JOIN repositories r ON r.id = b.repository_id"
                    + " WHERE r.path = ?",
                REPOSITORY))
        .isEqualTo(MANIFESTS + 1);
    assertThat(
            stack.count(
                "SELECT count(*) FROM tags t JOIN repositories r ON r.id = t.repository_id"
                    + " WHERE r.path = ?",
                REPOSITORY))
        .isEqualTo(tags);
  }

  /**
   * Freezes the worker while its activity is between batches: batches left to write, and no
   * transaction open (a frozen transaction would hold the repository row and block the DELETE until
   * the thaw). The worker reads the next batch while the previous one commits, so such moments are
   * short: the check follows the freeze at once, and the worker is let go again at once when the
   * moment was wrong.
   */
  private static long freezeBetweenBatches(WorkerProcess worker) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      long manifests = stack.manifests(REPOSITORY);
      if (manifests > 0 && manifests < MANIFESTS) {
        worker.freeze();
        // SIGSTOP is delivered at once; a statement the worker sent before it still finishes on the
        // server.
        SeparateWorkersStack.sleep(Duration.ofMillis(5));
        long frozenAt = stack.manifests(REPOSITORY);
        if (frozenAt < MANIFESTS && openTransactions() == 0) {
          return frozenAt;
        }
        worker.resume();
      }
      SeparateWorkersStack.sleep(Duration.ofMillis(5));
    }
    throw new AssertionError("could not freeze the worker between batches of the pre-import");
  }

  private static long openTransactions() {
    return stack
        .database
        .sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                + " AND backend_type = 'client backend' AND state <> 'idle'")
        .query(Long.class)
        .single();
  }

  /**
   * Overwrites the repository's tag links (and adds the revisions) with the decoy's: same tags, new
   * manifests.
   */
  private static void repointTagsAtTheDecoy() throws IOException {
    Path repositories = stack.legacyRoot.resolve("docker/registry/v2/repositories");
    Path from = repositories.resolve(DECOY).resolve("_manifests");
    Path to = repositories.resolve(REPOSITORY).resolve("_manifests");
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        Files.createDirectories(target.getParent());
        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static Map<String, Object> repositoryRow() {
    return stack
        .database
        .sql(
            "SELECT migration_status, migration_error, owner_token, owner_closed, updated_at FROM repositories"
                + " WHERE path = ?")
        .param(REPOSITORY)
        .query()
        .singleRow();
  }

  private static Timestamp timestamp(String column) {
    return stack
        .database
        .sql("SELECT " + column + " FROM repositories WHERE path = ?")
        .param(REPOSITORY)
        .query(Timestamp.class)
        .single();
  }

  private static String ownerToken() {
    return stack
        .database
        .sql("SELECT owner_token FROM repositories WHERE path = ?")
        .param(REPOSITORY)
        .query(String.class)
        .single();
  }

  private static String runId(String workflowId) {
    return stack
        .workflows
        .newUntypedWorkflowStub(workflowId)
        .describe()
        .getRawDescription()
        .getWorkflowExecutionInfo()
        .getExecution()
        .getRunId();
  }

  private static HttpResponse<String> put(String importType) {
    return stack.request("PUT", "/gitlab/v1/import/" + REPOSITORY + "/?import_type=" + importType);
  }

  private static HttpResponse<String> putUntilNot429(String importType, Duration timeout) {
    return DrydockStack.await(
        () -> put(importType),
        r -> r.statusCode() != 429,
        timeout,
        "a PUT answered other than 429");
  }

  private static void awaitStatus(String status) {
    DrydockStack.await(
        () -> stack.status(REPOSITORY),
        status::equals,
        Duration.ofSeconds(120),
        REPOSITORY + " to reach " + status);
  }

  /**
   * A TCP relay between one worker and Temporal that can be cut as a network partition would: it
   * drops every open connection and closes new ones at once, so the worker's calls to Temporal fail
   * while its database stays reachable.
   */
  private static final class TemporalLink implements AutoCloseable {
    private final ServerSocket listener;
    private final String upstreamHost;
    private final int upstreamPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;

    TemporalLink(String upstream) throws IOException {
      this.upstreamHost = upstream.substring(0, upstream.lastIndexOf(':'));
      this.upstreamPort = Integer.parseInt(upstream.substring(upstream.lastIndexOf(':') + 1));
      this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      daemon("temporal-link-accept", this::accept);
    }

    String target() {
      return "127.0.0.1:" + listener.getLocalPort();
    }

    void cut() {
      cut = true;
      open.forEach(TemporalLink::closeQuietly);
    }

    @Override
    public void close() {
      cut();
      closeQuietly(listener);
    }

    private void accept() {
      while (!listener.isClosed()) {
        Socket client;
        try {
          client = listener.accept();
        } catch (IOException e) {
          return;
        }
        if (cut) {
          closeQuietly(client);
          continue;
        }
        try {
          Socket upstream = new Socket(upstreamHost, upstreamPort);
          open.add(client);
          open.add(upstream);
          daemon("temporal-link-up", () -> relay(client, upstream));
          daemon("temporal-link-down", () -> relay(upstream, client));
        } catch (IOException e) {
          closeQuietly(client);
        }
      }
    }

    private void relay(Socket from, Socket to) {
      try (InputStream in = from.getInputStream();
          OutputStream out = to.getOutputStream()) {
        in.transferTo(out);
      } catch (IOException e) {
        // A cut or a closed peer: either ends this direction, and closing both sockets ends the
        // other.
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        open.remove(from);
        open.remove(to);
      }
    }

    private static void daemon(String name, Runnable body) {
      Thread thread = new Thread(body, name);
      thread.setDaemon(true);
      thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        // Already closed, or closing anyway: nothing to do about it.
      }
    }
  }
}
