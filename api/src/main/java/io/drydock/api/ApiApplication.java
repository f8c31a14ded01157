package io.drydock.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** The API process: the GitLab-compatible import API on {@code SERVER_PORT} (8080). */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(ApiConfiguration.class)
public class ApiApplication {
  public static void main(String[] args) {
    SpringApplication.run(ApiApplication.class, args);
  }
}
