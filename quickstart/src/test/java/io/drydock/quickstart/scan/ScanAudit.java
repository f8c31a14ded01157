package io.drydock.quickstart.scan;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A test-only trigger that records every committed write of {@code index_reports} in {@code
 * scan_audit}: what the row held before and after, with the report's own {@code state} field read
 * from its JSON. Samples of the table can miss a write that a later one replaced within the
 * sampling interval; the audit cannot.
 */
final class ScanAudit {
  /** One recorded write. {@code old*} are null for an insert. */
  record Write(
      long id,
      String digest,
      String operation,
      String oldState,
      String oldIndexState,
      String oldReportHash,
      String state,
      String indexState,
      String reportHash,
      String reportStateField) {}

  private final JdbcClient database;

  private ScanAudit(JdbcClient database) {
    this.database = database;
  }

  /**
   * Installs the audit table and trigger unless they exist (a shared stack's database keeps them).
   */
  static ScanAudit install(JdbcClient database) {
    database
        .sql(
            """
            CREATE TABLE IF NOT EXISTS scan_audit (
                id                 BIGSERIAL PRIMARY KEY,
                manifest_digest    TEXT NOT NULL,
                operation          TEXT NOT NULL,
                old_state          TEXT,
                old_index_state    TEXT,
                old_report_hash    TEXT,
                state              TEXT,
                index_state        TEXT,
                report_hash        TEXT,
                report_state_field TEXT,
                written_at         TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
            );
            CREATE OR REPLACE FUNCTION scan_audit_write() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'INSERT' THEN
                INSERT INTO scan_audit (manifest_digest, operation, state, index_state, report_hash, report_state_field)
                VALUES (NEW.manifest_digest, TG_OP, NEW.state, NEW.index_state, md5(NEW.report),
                        NEW.report::jsonb ->> 'state');
              ELSIF TG_OP = 'UPDATE' THEN
                INSERT INTO scan_audit (manifest_digest, operation, old_state, old_index_state, old_report_hash, state,
                                        index_state, report_hash, report_state_field)
                VALUES (NEW.manifest_digest, TG_OP, OLD.state, OLD.index_state, md5(OLD.report), NEW.state,
                        NEW.index_state, md5(NEW.report), NEW.report::jsonb ->> 'state');
              ELSE
                INSERT INTO scan_audit (manifest_digest, operation, old_state, old_index_state, old_report_hash)
                VALUES (OLD.manifest_digest, TG_OP, OLD.state, OLD.index_state, md5(OLD.report));
              END IF;
              RETURN NULL;
            END $$;
            DROP TRIGGER IF EXISTS scan_audit_write ON index_reports;
            CREATE TRIGGER scan_audit_write AFTER INSERT OR UPDATE OR DELETE ON index_reports
                FOR EACH ROW EXECUTE FUNCTION scan_audit_write();
            """)
        .update();
    return new ScanAudit(database);
  }

  long lastId() {
    return database.sql("SELECT COALESCE(max(id), 0) FROM scan_audit").query(Long.class).single();
  }

  /** The writes recorded after {@code afterId}, oldest first. */
  /**
   * The writes of these manifests after {@code afterId}: in the shared stack, imports of other test
   * classes have their own manifests indexed at any moment.
   */
  List<Write> writesAfter(long afterId, String... digests) {
    List<String> named = List.of(digests);
    return writesAfter(afterId).stream().filter(write -> named.contains(write.digest())).toList();
  }

  List<Write> writesAfter(long afterId) {
    return database
        .sql(
            """
            SELECT id, manifest_digest, operation, old_state, old_index_state, old_report_hash, state, index_state,
                   report_hash, report_state_field
              FROM scan_audit WHERE id > ? ORDER BY id
            """)
        .param(afterId)
        .query(
            (rs, n) ->
                new Write(
                    rs.getLong(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getString(5),
                    rs.getString(6),
                    rs.getString(7),
                    rs.getString(8),
                    rs.getString(9),
                    rs.getString(10)))
        .list();
  }

  /**
   * Writes that stored what Clair's bug stored, or replaced a good report with a worse one: a state
   * other than Clair's two final ones, a report whose JSON says another state, or a finished report
   * overwritten by an error or by other content for the same index state.
   */
  static List<Write> violations(List<Write> writes) {
    return writes.stream()
        .filter(w -> !"DELETE".equals(w.operation()))
        .filter(
            w ->
                !List.of("IndexFinished", "IndexError").contains(w.state())
                    || !w.state().equals(w.reportStateField())
                    || ("IndexFinished".equals(w.oldState())
                        && (!"IndexFinished".equals(w.state())
                            || (w.indexState().equals(w.oldIndexState())
                                && !w.reportHash().equals(w.oldReportHash())))))
        .toList();
  }

  /** Digests for which more than one distinct finished report was written after {@code afterId}. */
  List<String> digestsWrittenWithDifferentContent(long afterId) {
    return database
        .sql(
            """
            SELECT manifest_digest FROM scan_audit
             WHERE id > ? AND operation <> 'DELETE' AND state = 'IndexFinished'
             GROUP BY manifest_digest, index_state HAVING count(DISTINCT report_hash) > 1
            """)
        .param(afterId)
        .query(String.class)
        .list();
  }
}
