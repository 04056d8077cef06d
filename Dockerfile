# lpprov container image: Node 24, production dependencies only, runs as the unprivileged "node" user.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the only install script lpprov allows is the "node" devDependency's, which
# fetches a Node binary this image does not need.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json && node scripts/copy-migrations.js

FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8080
ENTRYPOINT ["node", "bin/lpprov.js"]
CMD ["start"]
