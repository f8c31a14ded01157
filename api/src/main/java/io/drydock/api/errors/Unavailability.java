package io.drydock.api.errors;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientException;
import java.time.Duration;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Tells an outage of the infrastructure (the database, the Temporal server) from a failure of
 * Drydock itself, by the exception or anything it wraps: Spring's translations of connection
 * failures, a transaction that could not begin for want of a connection, the driver's own
 * connection errors, and Temporal's gRPC status when the server is unreachable or did not answer in
 * time.
 */
final class Unavailability {
  /**
   * Long enough for a restarting PostgreSQL or Temporal frontend, short enough for Rails' import
   * loop.
   */
  static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  /**
   * PostgreSQL's classes for a lost connection (08), insufficient resources (53) and an operator
   * shutdown (57P).
   */
  private static final String[] UNAVAILABLE_SQL_STATES = {"08", "53", "57P"};

  private Unavailability() {}

  /**
   * What is unavailable ({@code "the database"}, {@code "the workflow service"}), or null for any
   * other failure.
   */
  static String of(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DataAccessResourceFailureException
          || t instanceof TransientDataAccessException
          || t instanceof CannotCreateTransactionException
          || t instanceof SQLTransientException
          || t instanceof SQLNonTransientConnectionException
          || (t instanceof SQLException sql && unavailableSqlState(sql.getSQLState()))) {
        return "the database";
      }
      if (t instanceof StatusRuntimeException grpc
          && unavailableStatus(grpc.getStatus().getCode())) {
        return "the workflow service";
      }
    }
    return null;
  }

  private static boolean unavailableSqlState(String state) {
    if (state == null) {
      return false;
    }
    for (String prefix : UNAVAILABLE_SQL_STATES) {
      if (state.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static boolean unavailableStatus(Status.Code code) {
    return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
  }
}
