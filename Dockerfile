# AutoCRM server image. One image, three roles chosen by the command:
#   api (default) | worker | migrate   (also: start, seed)
# TypeScript runs through tsx, so there is no build step.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data

WORKDIR /app

# Dependencies first, so source edits do not invalidate this layer.
# Runtime code only imports production dependencies (tsx is one of them).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Source stays root-owned (read-only for the app); only /data is writable.
COPY . .
RUN mkdir -p /data && chown node:node /data

USER node
EXPOSE 3000

# Only meaningful for `api`/`start`; docker-compose.yml disables it for worker and migrate.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["node", "node_modules/tsx/dist/cli.mjs", "src/main.ts"]
CMD ["api"]
