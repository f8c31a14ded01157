package io.drydock.api.security;

import io.drydock.api.errors.ErrorEnvelope;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Bearer authentication as GitLab issues registry tokens: {@code Authorization: Bearer <JWT>} whose
 * {@code access} claim holds {@code {"type":"registry","name":"import","actions":[...]}}. The
 * action {@code *} opens the callers' APIs (import, Clair indexer, rescans) and every read; {@code
 * operator} opens every change an operator makes (artifact repositories, sleds, replication
 * signals, {@code /api/v1/operator/}); neither implies the other. GitLab's compliance check {@code
 * GET /gitlab/v1/} needs a valid token only, {@code /actuator/health} nothing, and every other path
 * is refused. docs/authentication.md has the table.
 *
 * <p>With {@code DRYDOCK_CLAIR_PSK} set, a token on {@code /indexer/} that names a PSK issuer is
 * checked as Clair's intra-service token ({@link ClairPsk}) and opens Clair's indexer API; anywhere
 * else it is checked as a registry token, which it is not, and refused with 401.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
@EnableConfigurationProperties({AuthProperties.class, ClairPskProperties.class})
public class SecurityConfiguration {
  /** What a verified PSK token grants: Clair's indexer API, and nothing else. */
  static final String CLAIR_INTRASERVICE = "clair:intraservice";

  private static final String INDEXER_PATHS = "/indexer/**";
  private static final String[] CALLER_PATHS = {
    "/gitlab/v1/**", "/api/v1/rescans", "/api/v1/rescans/*", "/api/v1/scan-status"
  };
  private static final String[] OPERATED_PATHS = {
    "/api/v1/artifact-repositories/**", "/api/v1/sleds/**", "/api/v1/replication/**"
  };

  @Bean
  JwtDecoder jwtDecoder(AuthProperties auth) {
    return TokenDecoders.create(auth);
  }

  @Bean
  SecurityErrors ociSecurityErrors() {
    return new SecurityErrors();
  }

  @Bean
  SecurityFilterChain securityFilterChain(
      HttpSecurity http, JwtDecoder jwtDecoder, ClairPskProperties clairPsk, SecurityErrors errors)
      throws Exception {
    return http.csrf(AbstractHttpConfigurer::disable)
        .sessionManagement(
            session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authorizeHttpRequests(
            requests ->
                requests
                    // An error dispatch renders the answer to a request these rules already let
                    // through.
                    .dispatcherTypeMatchers(DispatcherType.ERROR)
                    .permitAll()
                    .requestMatchers("/actuator/health", "/actuator/health/**")
                    .permitAll()
                    // The API's contract is public, as GitLab's and Clair's are.
                    .requestMatchers(
                        HttpMethod.GET,
                        "/v3/api-docs",
                        "/v3/api-docs/**",
                        "/v3/api-docs.yaml",
                        "/swagger-ui.html",
                        "/swagger-ui/**")
                    .permitAll()
                    // Metrics are a read: a scraper sends a token with the * action.
                    .requestMatchers(HttpMethod.GET, "/actuator/prometheus")
                    .hasAuthority(RegistryAccessConverter.IMPORT)
                    // GitLab's compliance check answers any valid registry token, whatever its
                    // access.
                    .requestMatchers(HttpMethod.GET, "/gitlab/v1/")
                    .authenticated()
                    .requestMatchers(HttpMethod.HEAD, "/gitlab/v1/")
                    .authenticated()
                    .requestMatchers(INDEXER_PATHS)
                    .hasAnyAuthority(RegistryAccessConverter.IMPORT, CLAIR_INTRASERVICE)
                    .requestMatchers(CALLER_PATHS)
                    .hasAuthority(RegistryAccessConverter.IMPORT)
                    .requestMatchers(HttpMethod.GET, OPERATED_PATHS)
                    .hasAuthority(RegistryAccessConverter.IMPORT)
                    .requestMatchers(HttpMethod.HEAD, OPERATED_PATHS)
                    .hasAuthority(RegistryAccessConverter.IMPORT)
                    .requestMatchers(HttpMethod.POST, OPERATED_PATHS)
                    .hasAuthority(RegistryAccessConverter.OPERATOR)
                    .requestMatchers(HttpMethod.PUT, OPERATED_PATHS)
                    .hasAuthority(RegistryAccessConverter.OPERATOR)
                    .requestMatchers(HttpMethod.DELETE, OPERATED_PATHS)
                    .hasAuthority(RegistryAccessConverter.OPERATOR)
                    .requestMatchers(HttpMethod.PATCH, OPERATED_PATHS)
                    .hasAuthority(RegistryAccessConverter.OPERATOR)
                    .requestMatchers("/api/v1/operator/**")
                    .hasAuthority(RegistryAccessConverter.OPERATOR)
                    .anyRequest()
                    .denyAll())
        // The bearer filter on its own rather than oauth2ResourceServer(), which always serves RFC
        // 9728 metadata at
        // /.well-known/oauth-protected-resource, built from the request's Host header: Drydock has
        // none to publish.
        .addFilter(
            bearerTokenFilter(jwtDecoder, ClairPsk.from(clairPsk, Clock.systemUTC()), errors))
        .exceptionHandling(
            exceptions -> exceptions.authenticationEntryPoint(errors).accessDeniedHandler(errors))
        .build();
  }

  private static BearerTokenAuthenticationFilter bearerTokenFilter(
      JwtDecoder jwtDecoder, Optional<ClairPsk> clairPsk, SecurityErrors errors) {
    JwtAuthenticationProvider registryTokens = new JwtAuthenticationProvider(jwtDecoder);
    registryTokens.setJwtAuthenticationConverter(new RegistryAccessConverter());
    AuthenticationManager registry = new ProviderManager(registryTokens);
    AuthenticationManagerResolver<HttpServletRequest> managers =
        clairPsk.map(psk -> indexerAcceptsPsk(registry, psk)).orElse(request -> registry);
    BearerTokenAuthenticationFilter filter = new BearerTokenAuthenticationFilter(managers);
    filter.setAuthenticationEntryPoint(errors);
    return filter;
  }

  /**
   * Under {@code /indexer/}, a token naming a PSK issuer is checked as a PSK token; every other
   * token everywhere as a registry token.
   */
  private static AuthenticationManagerResolver<HttpServletRequest> indexerAcceptsPsk(
      AuthenticationManager registry, ClairPsk psk) {
    JwtAuthenticationProvider pskTokens = new JwtAuthenticationProvider(psk.decoder());
    pskTokens.setJwtAuthenticationConverter(
        jwt ->
            new JwtAuthenticationToken(
                jwt, List.of(new SimpleGrantedAuthority(CLAIR_INTRASERVICE))));
    AuthenticationManager indexer =
        authentication ->
            psk.issued(((BearerTokenAuthenticationToken) authentication).getToken())
                ? pskTokens.authenticate(authentication)
                : registry.authenticate(authentication);
    return request -> ErrorEnvelope.isClairPath(request.getRequestURI()) ? indexer : registry;
  }
}
