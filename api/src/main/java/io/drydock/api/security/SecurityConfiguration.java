package io.drydock.api.security;

import jakarta.servlet.DispatcherType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bearer authentication as GitLab issues registry tokens: {@code Authorization: Bearer <JWT>} whose {@code access}
 * claim holds {@code {"type":"registry","name":"import","actions":["*"]}}. The import API and the rest of {@code
 * /api/} need the action {@code *}, operator endpoints the action {@code operator} ({@code *} alone is not enough);
 * artifact replication's reads need any valid token and its changes the action {@code operator}. {@code
 * /actuator/health} is public and every other path is refused.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
@EnableConfigurationProperties(AuthProperties.class)
public class SecurityConfiguration {
  private static final String[] REPLICATION_PATHS = {
    "/api/v1/artifact-repositories/**", "/api/v1/sleds/**", "/api/v1/replication/**"
  };

  @Bean
  JwtDecoder jwtDecoder(AuthProperties auth) {
    return TokenDecoders.create(auth);
  }

  @Bean
  OciSecurityErrors ociSecurityErrors(JsonMapper json) {
    return new OciSecurityErrors(json);
  }

  @Bean
  SecurityFilterChain securityFilterChain(HttpSecurity http, JwtDecoder jwtDecoder, OciSecurityErrors errors)
      throws Exception {
    return http.csrf(AbstractHttpConfigurer::disable)
        .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authorizeHttpRequests(
            requests ->
                requests
                    // An error dispatch renders the answer to a request these rules already let through.
                    .dispatcherTypeMatchers(DispatcherType.ERROR)
                    .permitAll()
                    .requestMatchers("/actuator/health", "/actuator/health/**")
                    .permitAll()
                    .requestMatchers("/api/v1/operator/**")
                    .hasAuthority(RegistryAccessConverter.OPERATOR)
                    // Artifact replication: any valid registry token reads; changes need the operator action.
                    .requestMatchers(HttpMethod.GET, REPLICATION_PATHS)
                    .authenticated()
                    .requestMatchers(REPLICATION_PATHS)
                    .hasAuthority(RegistryAccessConverter.OPERATOR)
                    .requestMatchers("/gitlab/v1/**", "/api/**", "/indexer/**")
                    .hasAuthority(RegistryAccessConverter.IMPORT)
                    .anyRequest()
                    .denyAll())
        // The bearer filter on its own rather than oauth2ResourceServer(), which always serves RFC 9728 metadata at
        // /.well-known/oauth-protected-resource, built from the request's Host header: Drydock has none to publish.
        .addFilter(bearerTokenFilter(jwtDecoder, errors))
        .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(errors).accessDeniedHandler(errors))
        .build();
  }

  private static BearerTokenAuthenticationFilter bearerTokenFilter(JwtDecoder jwtDecoder, OciSecurityErrors errors) {
    JwtAuthenticationProvider tokens = new JwtAuthenticationProvider(jwtDecoder);
    tokens.setJwtAuthenticationConverter(new RegistryAccessConverter());
    BearerTokenAuthenticationFilter filter = new BearerTokenAuthenticationFilter(new ProviderManager(tokens));
    filter.setAuthenticationEntryPoint(errors);
    return filter;
  }
}
