package io.drydock.activities.replication;

import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The last {@value #CAPACITY} requests sent to sleds, with their errors: a ring in the database, so
 * every API replica serves the same history and it survives a worker restart.
 */
public final class RequestLog {
  public static final int CAPACITY = 4096;

  private final JdbcClient jdbc;

  RequestLog(DataSource dataSource) {
    this.jdbc = JdbcClient.create(dataSource);
  }

  /**
   * Appends the request and drops what falls out of the ring. The sled ids and hash come from a
   * workflow's input and the error may quote a sled, so all are made printable: a NUL would make
   * PostgreSQL refuse the row.
   */
  void append(
      String kind,
      String targetSled,
      String sourceSled,
      String sha256,
      long generation,
      String error) {
    jdbc.sql(
            """
            INSERT INTO replication_requests (kind, target_sled, source_sled, sha256, generation, ok, error)
            VALUES (:kind, :target, :source, :sha256, :generation, :ok, :error)""")
        .param("kind", kind)
        .param("target", StoredText.printable(targetSled))
        .param("source", StoredText.printable(sourceSled))
        .param("sha256", StoredText.printable(sha256))
        .param("generation", generation)
        .param("ok", error == null)
        .param("error", StoredText.printable(error))
        .update();
    jdbc.sql(
            """
            DELETE FROM replication_requests
             WHERE id < (SELECT id FROM replication_requests ORDER BY id DESC OFFSET :keep LIMIT 1)""")
        .param("keep", CAPACITY - 1)
        .update();
  }

  /** Up to {@code limit} requests, newest first. */
  public List<RecordedRequest> recent(int limit) {
    return jdbc.sql(
            """
            SELECT id, at, kind, target_sled, source_sled, sha256, generation, ok, error
              FROM replication_requests ORDER BY id DESC LIMIT :limit""")
        .param("limit", Math.min(limit, CAPACITY))
        .query(
            (rs, row) ->
                new RecordedRequest(
                    rs.getLong("id"),
                    rs.getTimestamp("at").toInstant(),
                    rs.getString("kind"),
                    rs.getString("target_sled"),
                    rs.getString("source_sled"),
                    rs.getString("sha256"),
                    rs.getLong("generation"),
                    rs.getBoolean("ok"),
                    rs.getString("error")))
        .list();
  }
}
