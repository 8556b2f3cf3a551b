# syntax=docker/dockerfile:1
# Multi-stage build: the first stage compiles the package (npm run package:simple) and installs its
# production dependencies (better-sqlite3 is a native module, built here with the full image's
# compilers); the runtime stage is the slim image with only that folder, run by the non-root "node" user.
#
#   docker build -t siliconflow-api-management .
#   docker run -d -p 3000:3000 -v sfam-data:/app/data --name sfam siliconflow-api-management
#   docker logs sfam          # the first start prints the generated access key once
#
# Or: docker compose up -d (docker-compose.yml).

FROM node:20-bookworm AS build
WORKDIR /src
# The lockfile is written by npm 11, which also honours package.json's allowScripts.
RUN npm install -g npm@11 --no-audit --no-fund
COPY package.json package-lock.json ./
# Only tsc and tsx are needed to build the package; native modules are built for the package below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.package.json README.md README.en.md .env.example start.bat ./
COPY src ./src
COPY scripts ./scripts
COPY views ./views
COPY public ./public
COPY docs ./docs
COPY deploy ./deploy
RUN npm run package:simple -- /app
WORKDIR /app
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=build /app ./
# Private to "node": the data folder holds the encrypted keys and the key that decrypts them. A new
# named volume starts as a copy of this folder, owner and mode included.
RUN mkdir -p /app/data && chown node:node /app/data && chmod 700 /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM (docker stop) lets in-flight requests run for up to SHUTDOWN_TIMEOUT_MS (10 s by default),
# ends the rest and flushes buffered writes. docker stop waits only 10 s before SIGKILL: use
# docker stop -t 30 / docker run --stop-timeout 30 (docker-compose.yml sets stop_grace_period).
STOPSIGNAL SIGTERM
CMD ["node", "build/src/server.js"]
