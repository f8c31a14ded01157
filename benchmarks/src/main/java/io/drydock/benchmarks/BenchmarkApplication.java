package io.drydock.benchmarks;

import io.drydock.api.ApiConfiguration;
import io.drydock.worker.WorkerConfiguration;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * The worker and the API in one Spring context, composed exactly as the quick start's
 * QuickstartApplication, which this module cannot put on its classpath (the quickstart jar is a
 * Spring Boot executable archive).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({WorkerConfiguration.class, ApiConfiguration.class})
class BenchmarkApplication {}
