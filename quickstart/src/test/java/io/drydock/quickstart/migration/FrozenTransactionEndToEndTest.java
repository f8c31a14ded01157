package io.drydock.quickstart.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.demo.DemoLegacyStorage;
import io.drydock.quickstart.DrydockStack;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker frozen between two statements of a batch transaction (a long GC pause, a paused VM, a
 * network partition without a reset) keeps its share lock on the repository row, and a DELETE waits
 * for that lock. Without a limit on idle transactions the DELETE hung until the frozen connection
 * died, which can take hours.
 */
class FrozenTransactionEndToEndTest {
  private static final String PATH = "frozen/transaction";
  private static DrydockStack stack;

  @BeforeAll
  static void startStack() {
    stack = DrydockStack.shared();
    DemoLegacyStorage.generateSynthetic(stack.legacyRoot, PATH, 2, 1);
  }

  @Test
  void theApplicationsConnectionsEndTransactionsLeftIdleForAMinute() throws SQLException {
    try (Connection connection = stack.applicationDataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet setting = statement.executeQuery("SHOW idle_in_transaction_session_timeout")) {
      setting.next();
      assertThat(setting.getString(1)).isEqualTo("1min");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aTransactionFrozenHoldingTheRepositoryRowCannotBlockADelete() throws SQLException {
    stack
        .database
        .sql(
            """
            INSERT INTO repositories (path, name, migration_status, owner_token, owner_closed)
            VALUES (:path, 'transaction', 'pre_import_in_progress', 'frozen-run', FALSE)""")
        .param("path", PATH)
        .update();
    try (Connection frozen = stack.applicationDataSource.getConnection()) {
      // The shipped minute, shortened for this connection only, so the test does not wait for it.
      try (Statement statement = frozen.createStatement()) {
        statement.execute("SET idle_in_transaction_session_timeout = '2s'");
      }
      frozen.setAutoCommit(false);
      try (PreparedStatement lock =
          frozen.prepareStatement("SELECT id FROM repositories WHERE path = ? FOR SHARE")) {
        lock.setString(1, PATH);
        lock.executeQuery().close();
      }

      HttpResponse<String> canceled = stack.request("DELETE", "/gitlab/v1/import/" + PATH + "/");

      assertThat(canceled.statusCode()).as(canceled.body()).isEqualTo(202);
      assertThat(canceled.body()).contains("pre_import_canceled");
      assertThatThrownBy(() -> frozen.prepareStatement("SELECT 1").executeQuery())
          .as("PostgreSQL ended the frozen session")
          .isInstanceOf(SQLException.class);
    }
  }
}
