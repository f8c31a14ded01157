package io.drydock.api;

import io.drydock.api.errors.MalformedRequestFilter;
import java.util.List;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.accept.ContentNegotiationStrategy;
import org.springframework.web.servlet.config.annotation.ContentNegotiationConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * How the API reads requests before any handler runs: {@link MalformedRequestFilter} first of every
 * filter, and no content negotiation by Spring. GitLab's registry answers its JSON API whatever
 * {@code Accept} says (RFC 9110, section 12.5.1, lets a server disregard it), and so do the import,
 * operator, rescan and replication APIs. Clair's indexer handlers negotiate themselves, by Clair's
 * own algorithm ({@code ClairMediaTypes}), which Spring's does not match: without an {@code Accept}
 * Clair answers its vendor type, and no match is 415 there, not 406.
 */
@Configuration(proxyBeanMethods = false)
class HttpConfiguration implements WebMvcConfigurer {
  @Bean
  FilterRegistrationBean<MalformedRequestFilter> malformedRequestFilter() {
    FilterRegistrationBean<MalformedRequestFilter> registration =
        new FilterRegistrationBean<>(new MalformedRequestFilter());
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }

  @Override
  public void configureContentNegotiation(ContentNegotiationConfigurer configurer) {
    configurer.strategies(List.of(request -> ContentNegotiationStrategy.MEDIA_TYPE_ALL_LIST));
  }
}
