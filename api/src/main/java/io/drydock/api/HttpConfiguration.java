package io.drydock.api;

import io.drydock.api.errors.ErrorEnvelope;
import io.drydock.api.errors.MalformedRequestFilter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.accept.ContentNegotiationStrategy;
import org.springframework.web.accept.HeaderContentNegotiationStrategy;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.servlet.config.annotation.ContentNegotiationConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * How the API reads requests before any handler runs: {@link MalformedRequestFilter} first of every filter, and
 * content negotiation by path. GitLab's registry answers its JSON API whatever {@code Accept} says (RFC 9110, section
 * 12.5.1, lets a server disregard it), and so do the import, operator, rescan and replication APIs; Clair's indexer
 * API negotiates on {@code Accept} as Clair does.
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
    configurer.strategies(List.of(new NegotiationByPath()));
  }

  private static final class NegotiationByPath implements ContentNegotiationStrategy {
    private final HeaderContentNegotiationStrategy accept = new HeaderContentNegotiationStrategy();

    @Override
    public List<MediaType> resolveMediaTypes(NativeWebRequest request)
        throws HttpMediaTypeNotAcceptableException {
      String uri = request.getNativeRequest(HttpServletRequest.class).getRequestURI();
      return ErrorEnvelope.isClairPath(uri) ? accept.resolveMediaTypes(request) : MEDIA_TYPE_ALL_LIST;
    }
  }
}
