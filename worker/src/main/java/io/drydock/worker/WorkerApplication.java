package io.drydock.worker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** The worker process: polls Drydock's task queues. It serves no HTTP. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(WorkerConfiguration.class)
public class WorkerApplication {
  public static void main(String[] args) {
    SpringApplication application = new SpringApplication(WorkerApplication.class);
    application.setWebApplicationType(WebApplicationType.NONE);
    application.run(args);
  }
}
