# wiredesk container image.
#   docker build -t wiredesk:local .        (docker-compose.yml builds it as service "wiredesk")
# Works with the classic builder and BuildKit (no RUN --mount).

# ---- build stage ------------------------------------------------------------------------
FROM rust:1-bookworm AS builder

# librdkafka is compiled from source by rdkafka-sys (configure + make); zstd/zlib for the
# compression codecs; cmake only if the crate is switched to rdkafka's cmake-build feature.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential cmake python3 pkg-config zlib1g-dev libzstd-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src

# Dependency layer: build all dependencies (librdkafka is the slow one) against stub
# sources, so that editing src/ does not rebuild them. Best effort: if the manifest names
# targets whose files are not present yet, the real build below still does everything.
COPY Cargo.toml Cargo.lock ./
RUN mkdir -p src \
 && echo 'fn main() {}' > src/main.rs \
 && : > src/lib.rs \
 && (cargo build --release --locked || echo "dependency pre-build skipped") \
 && rm -rf src

# Real build. .dockerignore keeps target/ and .git out of the context. The touch makes the
# copied sources newer than the stub build's fingerprints.
COPY . .
RUN find src -name '*.rs' -exec touch {} + \
 && cargo build --release --locked \
 && install -D -m 0755 target/release/wiredesk /out/wiredesk \
 && mkdir -p data \
 && cp -r data /out/data

# ---- runtime stage ----------------------------------------------------------------------
FROM debian:bookworm-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 wiredesk \
 && useradd --system --uid 10001 --gid wiredesk --home-dir /opt/wiredesk \
      --no-create-home --shell /usr/sbin/nologin wiredesk

COPY --from=builder /out/wiredesk /usr/local/bin/wiredesk
# Run-time data (gazetteer, ...) at the same relative path as in the repository.
COPY --from=builder /out/data /opt/wiredesk/data
# Baked-in default configuration; docker-compose.yml mounts the same file over it.
COPY config/docker.toml /etc/wiredesk/docker.toml

WORKDIR /opt/wiredesk
USER 10001:10001
EXPOSE 9464

HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS -o /dev/null http://127.0.0.1:9464/healthz || exit 1

ENTRYPOINT ["wiredesk"]
CMD ["run", "--config", "/etc/wiredesk/docker.toml"]
