package io.drydock.worker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.PropertySource;

/**
 * The worker process: polls Drydock's task queues. Its only HTTP is actuator, on the management
 * port (see drydock-worker-process.properties).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@PropertySource("classpath:drydock-worker-process.properties")
@Import(WorkerConfiguration.class)
public class WorkerApplication {
  public static void main(String[] args) {
    SpringApplication.run(WorkerApplication.class, args);
  }
}
