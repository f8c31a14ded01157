package io.drydock.api.replication;

import io.drydock.activities.replication.ArtifactStore;
import io.drydock.activities.replication.Sled;
import io.drydock.activities.replication.SledClient;
import io.drydock.activities.replication.SledRegistry;
import io.drydock.api.replication.ReplicationBodies.Inventory;
import io.drydock.api.replication.ReplicationBodies.InventoryError;
import io.drydock.api.replication.ReplicationBodies.Presence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every in-service sled holds, asked of all of them at once (at most {@code parallelism} at a
 * time, each request bounded by the client's timeout) and merged. Only registered sleds are asked.
 * A sled that does not answer is an entry in {@code errors}, never a failure of the whole answer;
 * paging applies to the merged artifacts, sorted by hash.
 */
final class SledInventory implements AutoCloseable {
  private final SledRegistry registry;
  private final SledClient sleds;
  private final ArtifactStore store;
  private final ExecutorService requests;

  SledInventory(SledRegistry registry, SledClient sleds, ArtifactStore store, int parallelism) {
    this.registry = registry;
    this.sleds = sleds;
    this.store = store;
    AtomicInteger threads = new AtomicInteger();
    this.requests =
        Executors.newFixedThreadPool(
            parallelism,
            task -> {
              Thread thread = new Thread(task, "sled-inventory-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  private record Answers(
      String sledId,
      SledClient.Answer<SledClient.Listing> listing,
      SledClient.Answer<SledClient.Config> config) {}

  /**
   * @param limit artifacts per page
   * @param after the last artifact of the previous page, or null for the first
   */
  Inventory inventory(int limit, String after) throws InterruptedException {
    long generation = store.generation();
    List<Future<Answers>> pending = new ArrayList<>();
    for (Sled sled : registry.inService()) {
      pending.add(
          requests.submit(
              () ->
                  new Answers(
                      sled.id(), sleds.listArtifacts(sled.id()), sleds.getConfig(sled.id()))));
    }
    List<Answers> answers = new ArrayList<>();
    for (Future<Answers> answer : pending) {
      try {
        answers.add(answer.get());
      } catch (ExecutionException e) {
        throw new IllegalStateException("asking a sled failed unexpectedly", e.getCause());
      }
    }
    NavigableMap<String, Presence> all = new TreeMap<>();
    List<InventoryError> errors = new ArrayList<>();
    for (Answers answer : answers) {
      if (!answer.listing().succeeded()) {
        errors.add(
            new InventoryError(answer.sledId(), "GET /artifacts: " + answer.listing().error()));
      } else {
        answer
            .listing()
            .value()
            .copies()
            .forEach(
                (sha, copies) ->
                    all.merge(
                        sha,
                        new Presence(1, copies),
                        (a, b) -> new Presence(a.sleds() + 1, a.copies() + copies)));
      }
      if (!answer.config().succeeded()) {
        errors.add(
            new InventoryError(
                answer.sledId(), "GET /artifacts-config: " + answer.config().error()));
      }
    }
    NavigableMap<String, Presence> rest = after == null ? all : all.tailMap(after, false);
    Map<String, Presence> page = new LinkedHashMap<>();
    String last = null;
    for (Map.Entry<String, Presence> entry : rest.entrySet()) {
      if (page.size() == limit) {
        break;
      }
      page.put(entry.getKey(), entry.getValue());
      last = entry.getKey();
    }
    String nextAfter = page.size() < rest.size() ? last : null;
    return new Inventory(generation, sledsOnPage(answers, page), page, errors, nextAfter);
  }

  private static List<ReplicationBodies.SledInventory> sledsOnPage(
      List<Answers> answers, Map<String, Presence> page) {
    List<ReplicationBodies.SledInventory> onPage = new ArrayList<>();
    for (Answers answer : answers) {
      if (!answer.listing().succeeded()) {
        continue;
      }
      Map<String, Integer> artifacts = new TreeMap<>(answer.listing().value().copies());
      artifacts.keySet().retainAll(page.keySet());
      onPage.add(
          new ReplicationBodies.SledInventory(
              answer.sledId(),
              answer.listing().value().generation(),
              answer.config().succeeded() ? answer.config().value().generation() : null,
              artifacts));
    }
    return onPage;
  }

  @Override
  public void close() {
    requests.shutdownNow();
  }
}
