package io.drydock.quickstart.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md names the environment variable of every typed setting the configuration
 * processor lists (META-INF/spring-configuration-metadata.json of every module on the quick start's
 * class path).
 */
class ConfigurationDocsTest {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+):.*}");

  @Test
  void everyTypedSettingIsInTheConfigurationReference() throws IOException {
    Properties defaults = new Properties();
    for (String file :
        new String[] {"/drydock-defaults.properties", "/drydock-api-defaults.properties"}) {
      try (InputStream in = ConfigurationDocsTest.class.getResourceAsStream(file)) {
        defaults.load(in);
      }
    }
    Set<String> variables = new TreeSet<>();
    for (URL metadata :
        Collections.list(
            getClass()
                .getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
      JsonNode properties;
      try (InputStream in = metadata.openStream()) {
        properties = new ObjectMapper().readTree(in).path("properties");
      }
      for (JsonNode property : properties) {
        String name = property.path("name").asText();
        if (name.startsWith("drydock.")) {
          variables.add(environmentVariable(name, defaults));
        }
      }
    }
    String reference = Files.readString(Path.of("..", "docs", "configuration.md"));

    assertThat(variables).as("typed settings").hasSizeGreaterThan(10);
    assertThat(variables)
        .allSatisfy(variable -> assertThat(reference).contains("`" + variable + "`"));
  }

  /**
   * The variable the defaults file binds the setting from, else the one docs/configuration.md names
   * for Spring Boot's relaxed binding (dots and dashes as underscores: {@code
   * DRYDOCK_AUTH_JWT_SECRET}).
   */
  private static String environmentVariable(String name, Properties defaults) {
    Matcher placeholder = PLACEHOLDER.matcher(defaults.getProperty(name, ""));
    return placeholder.matches()
        ? placeholder.group(1)
        : name.toUpperCase(Locale.ROOT).replace(".", "_").replace("-", "_");
  }
}
