package io.drydock.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class TestPostgresTest {

  @Test
  void freshDatabasesAreSeparateAndUsable() throws SQLException {
    String first = TestPostgres.freshDatabase();
    String second = TestPostgres.freshDatabase();
    assertNotEquals(first, second);

    DataSource dataSource = TestPostgres.dataSource(first);
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT 1, current_database()")) {
      result.next();
      assertEquals(1, result.getInt(1));
      assertEquals(first.replaceAll(".*/([^/?]+)\\?.*", "$1"), result.getString(2));
    }
  }

  @Test
  void sharedDataSourceReachesThePostgresDatabase() throws SQLException {
    try (Connection connection = TestPostgres.shared().getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT current_database()")) {
      result.next();
      assertEquals("postgres", result.getString(1));
    }
  }
}
