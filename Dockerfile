# syntax=docker/dockerfile:1
# The production image: the compiled server on Node 24, production dependencies only, non-root.
#
# Node 24 with uWebSockets.js 20.57 is the supported production pair. The uWS.js 20.57 binaries need
# glibc >= 2.38, so the base is Debian 13 (trixie, glibc 2.41); Debian 12 (bookworm) images cannot
# load them.
#
#   docker build -t learnforge-agents .
#   docker run -p 8080:8080 learnforge-agents
ARG NODE_IMAGE=node:24-trixie-slim

# 1. Compile TypeScript to dist/. Install scripts are skipped: compiling needs no native addon.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

# 2. Production dependencies, with uWebSockets.js swapped for the build that ships Node 24 binaries.
#    better-sqlite3 downloads its prebuilt addon, or compiles it with the tools installed here.
FROM ${NODE_IMAGE} AS deps
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY deploy/use-node24-uws.sh deploy/
RUN sh deploy/use-node24-uws.sh && npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. The runtime.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 DATA_DIR=/app/data
WORKDIR /app
COPY --from=deps /app/package.json ./
COPY --from=deps /app/node_modules node_modules
COPY --from=build /app/dist dist
RUN mkdir data && chown node:node data
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/server/main.js"]
