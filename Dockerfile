# syntax=docker/dockerfile:1
#
# Agora container image.
#
#   docker build -t agora .
#   docker run --rm -p 8080:8080 -e AGORA_AUTH__JWT_SECRET=... -v agora-data:/app/data agora
#
# Requires BuildKit (the default builder of current Docker releases) for the
# cache mounts below.

############################
# Builder
############################
FROM rust:1.95-bookworm AS builder

WORKDIR /app

# The whole workspace (root package + entity/ + migration/); .dockerignore
# keeps target/, data/, .git and the playground's node artefacts out.
COPY . .

# The registry and target directories live in BuildKit cache mounts so that
# rebuilds only recompile what changed. A cache mount is not part of the
# image layer, so the binary is copied out of it inside the same RUN.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/app/target \
    cargo build --release --locked --bin agora \
    && install -D -m 0755 target/release/agora /usr/local/bin/agora

############################
# Runtime
############################
FROM debian:bookworm-slim AS runtime

RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*

# Unprivileged user; fixed ids so volume ownership is predictable.
RUN groupadd --system --gid 10001 agora \
    && useradd --system --uid 10001 --gid agora --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin agora \
    && mkdir -p /app/data \
    && chown -R agora:agora /app

COPY --from=builder /usr/local/bin/agora /usr/local/bin/agora

WORKDIR /app

# SQLite database, generated dev JWT key, etc. (AGORA_DATA_DIR defaults to ./data).
# Declared after the chown so a fresh named volume inherits agora ownership.
VOLUME ["/app/data"]

# Listen on all interfaces inside the container (the default is 127.0.0.1).
ENV AGORA_SERVER__HOST=0.0.0.0

EXPOSE 8080

USER agora:agora

# No HEALTHCHECK: the image has no HTTP client. Probe /health/live and
# /health/ready from the orchestrator instead.
ENTRYPOINT ["/usr/local/bin/agora"]
CMD ["serve"]
