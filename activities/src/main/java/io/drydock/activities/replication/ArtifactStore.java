package io.drydock.activities.replication;

import io.drydock.workflows.replication.DesiredArtifacts;
import io.drydock.workflows.replication.LocalRepository;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The desired artifact set: uploaded repositories, their targets, and the generation that every
 * change to them bumps by compare-and-set in the same transaction.
 *
 * <p>Changes that add or remove depot files (upload, delete, freeing local copies) hold one
 * advisory lock from the first file operation to the commit. Otherwise freeing one repository could
 * delete a file that a concurrent upload of another repository found already present and so did not
 * write again.
 */
public final class ArtifactStore {
  private static final long DEPOT_LOCK = 0x64657074L;
  private static final int TARGET_BATCH = 500;

  private final JdbcClient jdbc;
  private final JdbcTemplate targets;
  private final TransactionTemplate transactions;
  private final TransactionTemplate snapshots;
  private final LocalDepot depot;
  private final ArtifactGeneration artifactGeneration;
  private final TufAcceptedVersions acceptedVersions;
  private final StoredRepositories storedRepositories;

  ArtifactStore(DataSource dataSource, LocalDepot depot) {
    this.jdbc = JdbcClient.create(dataSource);
    this.targets = new JdbcTemplate(dataSource);
    DataSourceTransactionManager manager = new DataSourceTransactionManager(dataSource);
    this.transactions = new TransactionTemplate(manager);
    this.snapshots = new TransactionTemplate(manager);
    snapshots.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
    snapshots.setReadOnly(true);
    this.depot = depot;
    this.artifactGeneration = new ArtifactGeneration(jdbc);
    this.acceptedVersions = new TufAcceptedVersions(jdbc);
    this.storedRepositories = new StoredRepositories(jdbc);
  }

  public long generation() {
    return artifactGeneration.current();
  }

  /**
   * Generation, artifact set, in-service sleds and local repositories from one snapshot, so they
   * always belong together. A local repository lists only the artifacts its depot file is present
   * for.
   */
  public DesiredArtifacts desired() {
    DesiredArtifacts snapshot =
        snapshots.execute(
            status -> {
              long generation = generation();
              List<String> artifacts =
                  jdbc.sql(
                          "SELECT DISTINCT sha256 FROM artifact_repository_targets ORDER BY sha256")
                      .query(String.class)
                      .list();
              List<String> sleds =
                  jdbc.sql(
                          "SELECT id FROM sleds WHERE state = 'in_service' ORDER BY id COLLATE \"C\"")
                      .query(String.class)
                      .list();
              Map<String, List<String>> local = new LinkedHashMap<>();
              jdbc.sql(
                      """
                      SELECT DISTINCT r.id, t.sha256
                        FROM artifact_repositories r JOIN artifact_repository_targets t ON t.repository_id = r.id
                       WHERE r.local_freed_at IS NULL
                       ORDER BY r.id, t.sha256""")
                  .query(
                      (ResultSet rs) -> {
                        local
                            .computeIfAbsent(rs.getString("id"), id -> new ArrayList<>())
                            .add(rs.getString("sha256"));
                      });
              List<LocalRepository> repositories = new ArrayList<>();
              local.forEach((id, shas) -> repositories.add(new LocalRepository(id, shas)));
              return new DesiredArtifacts(generation, artifacts, sleds, repositories);
            });
    List<LocalRepository> present =
        snapshot.localRepositories().stream()
            .map(
                r ->
                    new LocalRepository(
                        r.repositoryId(), r.artifacts().stream().filter(depot::contains).toList()))
            .toList();
    return new DesiredArtifacts(
        snapshot.generation(), snapshot.artifacts(), snapshot.inServiceSleds(), present);
  }

  public Optional<StoredRepository> find(String id) {
    return storedRepositories.select("WHERE r.id = :id", id).stream().findFirst();
  }

  /** Every repository, oldest upload first. */
  public List<StoredRepository> list() {
    return storedRepositories.select("", null);
  }

  /**
   * Inserts a verified repository and moves its staged artifacts into the depot, in one transaction
   * that bumps the generation. Uploading a repository that exists already changes nothing (the
   * staged files are dropped). If the insert fails, the files it added to the depot are removed
   * again.
   */
  UploadOutcome insert(RepositoryManifest manifest, List<LocalDepot.Staged> staged) {
    List<String> added = new ArrayList<>();
    try {
      return transactions.execute(
          status -> {
            lockDepot();
            Optional<StoredRepository> existing = find(manifest.id());
            if (existing.isPresent()) {
              staged.forEach(depot::discard);
              return new UploadOutcome(false, generation(), existing.get());
            }
            if (manifest.accepted() != null) {
              acceptedVersions.accept(manifest.accepted());
            }
            for (LocalDepot.Staged file : staged) {
              if (depot.adopt(file)) {
                added.add(file.sha256());
              }
            }
            jdbc.sql(
                    """
                    INSERT INTO artifact_repositories (id, name, system_version, targets_version)
                    VALUES (:id, :name, :systemVersion, :targetsVersion)""")
                .param("id", manifest.id())
                .param("name", manifest.name())
                .param("systemVersion", manifest.systemVersion())
                .param("targetsVersion", manifest.targetsVersion())
                .update();
            targets.batchUpdate(
                """
                INSERT INTO artifact_repository_targets (repository_id, target_name, sha256, length, kind, version)
                VALUES (?, ?, ?, ?, ?, ?)""",
                manifest.targets(),
                TARGET_BATCH,
                (statement, target) -> {
                  statement.setString(1, manifest.id());
                  statement.setString(2, target.name());
                  statement.setString(3, target.sha256());
                  statement.setLong(4, target.length());
                  statement.setString(5, target.kind());
                  statement.setString(6, target.version());
                });
            long generation = artifactGeneration.bump();
            return new UploadOutcome(true, generation, find(manifest.id()).orElseThrow());
          });
    } catch (RuntimeException e) {
      added.forEach(depot::delete);
      throw e;
    }
  }

  /**
   * Removes the repository and its targets and bumps the generation; deletes the depot files only
   * it still needed.
   *
   * @return the new generation; empty when no such repository exists
   */
  public Optional<Long> delete(String id) {
    return transactions.execute(
        status -> {
          lockDepot();
          List<String> onlyHere = localFilesOnlyNeededBy(id);
          int deleted =
              jdbc.sql("DELETE FROM artifact_repositories WHERE id = :id").param("id", id).update();
          if (deleted == 0) {
            return Optional.empty();
          }
          long generation = artifactGeneration.bump();
          onlyHere.forEach(depot::delete);
          return Optional.of(generation);
        });
  }

  /**
   * Frees the depot's copies of the repository's artifacts that no other still-local repository
   * needs, and marks the repository freed; only while {@code generation} is current, so a decision
   * taken on an older view frees nothing.
   *
   * @return true when the repository's local copies are freed (by this call, or an earlier attempt
   *     of it)
   */
  public boolean freeLocalCopies(String repositoryId, long generation) {
    return transactions.execute(
        status -> {
          lockDepot();
          Optional<Boolean> alreadyFreed =
              jdbc.sql(
                      """
                      SELECT r.local_freed_at IS NOT NULL AS freed
                        FROM artifact_repositories r, artifact_generation g
                       WHERE r.id = :id AND g.generation = :generation
                         FOR UPDATE OF r""")
                  .param("id", repositoryId)
                  .param("generation", generation)
                  .query(Boolean.class)
                  .optional();
          if (alreadyFreed.isEmpty()) {
            return false;
          }
          if (alreadyFreed.get()) {
            return true;
          }
          List<String> onlyHere = localFilesOnlyNeededBy(repositoryId);
          jdbc.sql("UPDATE artifact_repositories SET local_freed_at = now() WHERE id = :id")
              .param("id", repositoryId)
              .update();
          onlyHere.forEach(depot::delete);
          return true;
        });
  }

  /** Artifacts of a still-local repository that no other still-local repository has. */
  private List<String> localFilesOnlyNeededBy(String repositoryId) {
    return jdbc.sql(
            """
            SELECT DISTINCT t.sha256
              FROM artifact_repository_targets t JOIN artifact_repositories r ON r.id = t.repository_id
             WHERE r.id = :id AND r.local_freed_at IS NULL
               AND NOT EXISTS (SELECT 1
                                 FROM artifact_repository_targets o
                                 JOIN artifact_repositories other ON other.id = o.repository_id
                                WHERE o.sha256 = t.sha256 AND other.id <> r.id AND other.local_freed_at IS NULL)""")
        .param("id", repositoryId)
        .query(String.class)
        .list();
  }

  private void lockDepot() {
    jdbc.sql("SELECT pg_advisory_xact_lock(:key)")
        .param("key", DEPOT_LOCK)
        .query(Object.class)
        .single();
  }
}
