# Ferry's image (ghcr.io/ferry-dev/ferry): the controller (`ferry run`) and the volume mover
# (`ferry mover ...`, run as a Job next to the data) are the same binary.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY schemas ./schemas
RUN ln -s /app/bin/ferry.js /usr/local/bin/ferry
USER 65532:65532
ENTRYPOINT ["/usr/bin/tini", "--", "ferry"]
CMD ["run"]
