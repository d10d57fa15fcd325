# Cohort image: the orchestrator, the gpu-worker and the CLI (one image, the command picks).
#   docker build -t ghcr.io/cohort/cohort:0.1.0 .
# The native engine is built for x86-64-v3 (AVX2+FMA), so the image runs on any recent x86 node,
# with its CUDA backend (sm_80, sm_90, sm_100) compiled from NVIDIA's PyPI wheels: no GPU needed to
# build, and the same image falls back to the CPU where no GPU or driver is present.
FROM node:20-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends build-essential cmake libopenblas-openmp-dev python3-venv \
    && rm -rf /var/lib/apt/lists/*
ENV XDG_CACHE_HOME=/opt/cache
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/orchestrator/package.json apps/orchestrator/
COPY apps/gpu-worker/package.json apps/gpu-worker/
COPY apps/dashboard/package.json apps/dashboard/
COPY libs/model/package.json libs/model/
COPY libs/data/package.json libs/data/
COPY libs/lineage/package.json libs/lineage/
COPY libs/suite-spec/package.json libs/suite-spec/
COPY libs/workflows/package.json libs/workflows/
COPY libs/evals/package.json libs/evals/
COPY libs/analysis/package.json libs/analysis/
COPY libs/cluster/package.json libs/cluster/
RUN npm ci --no-audit --no-fund
COPY . .
RUN COHORT_CUDA=ON bash scripts/build-native.sh \
    && mkdir -p /opt/cuda/lib && cp /opt/cache/cohort/cuda-*/lib/python3*/site-packages/nvidia/cu13/lib/lib*.so.13 /opt/cuda/lib/ \
    && touch /tmp/prisma-engine && PRISMA_QUERY_ENGINE_LIBRARY=/tmp/prisma-engine PRISMA_SCHEMA_ENGINE_BINARY=/tmp/prisma-engine \
       DATABASE_URL=postgresql://build@localhost/build node_modules/.bin/prisma generate \
    && node_modules/.bin/tsc -b tsconfig.json \
    && npm run build -w @cohort/dashboard \
    && npm prune --omit=dev

FROM node:20-bookworm-slim
# A font, so the analyses' PNG figures have their text (resvg draws none without one).
RUN apt-get update && apt-get install -y --no-install-recommends libopenblas0-openmp libgomp1 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app /app
# cuBLAS (loaded at the first GPU call; the node's NVIDIA runtime provides the driver's libcuda).
COPY --from=build /opt/cuda/lib /opt/cuda/lib
ENV NODE_ENV=production COHORT_CODE_VERSION=0.1.0 LD_LIBRARY_PATH=/opt/cuda/lib
USER 1000
CMD ["node", "apps/orchestrator/dist/src/main.js"]
