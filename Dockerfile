# syntax=docker/dockerfile:1
# Atlas des communs: front-end packages from npm, a static Go binary, and a
# small non-root runtime image.

FROM node:24-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
COPY public/src ./public/src
RUN npm ci --no-audit --no-fund \
    && mkdir -p public/vendor/leaflet public/vendor/geoman \
    && cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images public/vendor/leaflet/ \
    && cp node_modules/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.min.js node_modules/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css public/vendor/geoman/ \
    && node_modules/.bin/esbuild public/src/editor/main.js --bundle --format=iife --minify --target=es2020 \
       --log-level=warning --outfile=public/vendor/editor/editor.js

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=assets /src/public/vendor/leaflet ./public/vendor/leaflet
COPY --from=assets /src/public/vendor/geoman ./public/vendor/geoman
COPY --from=assets /src/public/vendor/editor ./public/vendor/editor
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/atlas ./cmd/atlas

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates git \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 atlas \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --shell /usr/sbin/nologin atlas \
    && mkdir -p /data && chown 10001:10001 /data
COPY --from=build /out/atlas /usr/local/bin/atlas
# Numeric, so that runtimes can check it is not root (runAsNonRoot).
USER 10001:10001
WORKDIR /data
ENV ATLAS_DATA_DIR=/data ATLAS_ADDR=:8080 ATLAS_LOG_FORMAT=json
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["/usr/local/bin/atlas", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/atlas"]
CMD ["serve"]
