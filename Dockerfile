# syntax=docker/dockerfile:1

# Drydock's two Spring Boot processes, one image per module, built from the repository root:
#   docker build --build-arg MODULE=worker -t drydock/worker:local .
#   docker build --build-arg MODULE=api -t drydock/api:local .
# (docker-compose.yml builds both this way.) The reference sled agent is a plain jar with its own runtime settings:
# sled-agent/Dockerfile.

ARG BUILD_IMAGE=eclipse-temurin:17-jdk-noble
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre-noble

FROM ${BUILD_IMAGE} AS build
ARG MODULE
WORKDIR /workspace
# .dockerignore keeps target/, .git and .drydock/ out of the context.
COPY . .
# ~/.m2 (local repository and the Maven distribution the wrapper downloads)
# lives in a BuildKit cache mount, so rebuilds do not download again.
RUN --mount=type=cache,target=/root/.m2 \
    case "${MODULE}" in worker|api) ;; *) echo "MODULE must be worker or api, was '${MODULE}'" >&2; exit 1 ;; esac \
 && chmod +x mvnw \
 && ./mvnw -B -q -pl "${MODULE}" -am package -DskipTests \
 && cp "${MODULE}/target/drydock-${MODULE}-exec.jar" /workspace/app.jar

FROM ${RUNTIME_IMAGE}
# curl is used by the compose healthchecks (GET /actuator/health/readiness); install it only if the base image does
# not already ship it (distro-current version).
# hadolint ignore=DL3008
RUN if ! command -v curl >/dev/null 2>&1; then \
      apt-get update \
      && apt-get install -y --no-install-recommends curl \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
 && groupadd --gid 10001 drydock \
 && useradd --uid 10001 --gid drydock --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin drydock \
 && mkdir -p /app /var/lib/drydock/legacy
WORKDIR /app
# The module's Spring Boot repackaged (executable) jar: finalName drydock-<module>, classifier exec.
COPY --from=build /workspace/app.jar /app/app.jar
USER 10001:10001
# The API's port, and the worker's management port (actuator only).
EXPOSE 8080 8081
ENTRYPOINT ["java","-XX:MaxRAMPercentage=75","-jar","/app/app.jar"]
