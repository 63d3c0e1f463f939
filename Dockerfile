# Image for the worker and the API (docker-compose.yml). TypeScript runs through tsx, as in development.
FROM node:24-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
USER node
