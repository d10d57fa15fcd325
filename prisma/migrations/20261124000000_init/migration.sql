-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "SuiteStatus" AS ENUM ('pending', 'running', 'completed', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('pending', 'running', 'paused', 'completed', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "DatasetVariant" AS ENUM ('standard', 'deduplicated');

-- CreateTable
CREATE TABLE "Suite" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "specHash" TEXT NOT NULL,
    "status" "SuiteStatus" NOT NULL DEFAULT 'pending',
    "error" TEXT,
    "workflowId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Suite_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Corpus" (
    "id" UUID NOT NULL,
    "suiteId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "source" JSONB NOT NULL,
    "contentHash" TEXT NOT NULL,
    "bytes" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Corpus_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Tokenizer" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "vocabSize" INTEGER NOT NULL,
    "uri" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Tokenizer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TokenDataset" (
    "id" UUID NOT NULL,
    "corpusId" UUID NOT NULL,
    "tokenizerId" UUID NOT NULL,
    "variant" "DatasetVariant" NOT NULL,
    "parentId" UUID,
    "uri" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "documents" BIGINT NOT NULL,
    "tokens" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TokenDataset_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DataOrder" (
    "id" UUID NOT NULL,
    "datasetId" UUID NOT NULL,
    "mode" TEXT NOT NULL,
    "seed" INTEGER NOT NULL,
    "seqLength" INTEGER NOT NULL,
    "globalBatch" INTEGER NOT NULL,
    "numSamples" BIGINT NOT NULL,
    "orderHash" TEXT NOT NULL,
    "uri" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DataOrder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ModelConfig" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "configHash" TEXT NOT NULL,
    "parameters" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelConfig_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Run" (
    "id" UUID NOT NULL,
    "suiteId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "modelConfigId" UUID,
    "dataOrderId" UUID,
    "seed" INTEGER NOT NULL,
    "placement" TEXT NOT NULL,
    "parentRunId" UUID,
    "branchStep" INTEGER,
    "status" "RunStatus" NOT NULL DEFAULT 'pending',
    "error" TEXT,
    "workflowId" TEXT,
    "codeVersion" TEXT,
    "backend" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Checkpoint" (
    "id" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "step" INTEGER NOT NULL,
    "tokensSeen" BIGINT NOT NULL,
    "uri" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "bytes" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Checkpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Evaluation" (
    "id" UUID NOT NULL,
    "checkpointId" UUID NOT NULL,
    "task" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "shots" INTEGER NOT NULL DEFAULT 0,
    "value" DOUBLE PRECISION NOT NULL,
    "stderr" DOUBLE PRECISION,
    "n" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Evaluation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Analysis" (
    "id" UUID NOT NULL,
    "suiteId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "result" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Analysis_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Artifact" (
    "id" UUID NOT NULL,
    "suiteId" UUID,
    "kind" TEXT NOT NULL,
    "uri" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "bytes" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Artifact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BackendProbe" (
    "id" UUID NOT NULL,
    "suiteId" UUID NOT NULL,
    "taskQueue" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "info" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BackendProbe_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Suite_workflowId_key" ON "Suite"("workflowId");

-- CreateIndex
CREATE INDEX "Suite_status_idx" ON "Suite"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Corpus_suiteId_contentHash_key" ON "Corpus"("suiteId", "contentHash");

-- CreateIndex
CREATE UNIQUE INDEX "Tokenizer_contentHash_key" ON "Tokenizer"("contentHash");

-- CreateIndex
CREATE UNIQUE INDEX "TokenDataset_contentHash_variant_key" ON "TokenDataset"("contentHash", "variant");

-- CreateIndex
CREATE UNIQUE INDEX "DataOrder_orderHash_key" ON "DataOrder"("orderHash");

-- CreateIndex
CREATE UNIQUE INDEX "ModelConfig_configHash_key" ON "ModelConfig"("configHash");

-- CreateIndex
CREATE UNIQUE INDEX "Run_workflowId_key" ON "Run"("workflowId");

-- CreateIndex
CREATE UNIQUE INDEX "Run_suiteId_name_key" ON "Run"("suiteId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Checkpoint_runId_step_key" ON "Checkpoint"("runId", "step");

-- CreateIndex
CREATE UNIQUE INDEX "Evaluation_checkpointId_task_metric_shots_key" ON "Evaluation"("checkpointId", "task", "metric", "shots");

-- CreateIndex
CREATE UNIQUE INDEX "Analysis_suiteId_kind_params_key" ON "Analysis"("suiteId", "kind", "params");

-- CreateIndex
CREATE UNIQUE INDEX "Artifact_uri_key" ON "Artifact"("uri");

-- CreateIndex
CREATE UNIQUE INDEX "BackendProbe_suiteId_taskQueue_key" ON "BackendProbe"("suiteId", "taskQueue");

-- AddForeignKey
ALTER TABLE "Corpus" ADD CONSTRAINT "Corpus_suiteId_fkey" FOREIGN KEY ("suiteId") REFERENCES "Suite"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TokenDataset" ADD CONSTRAINT "TokenDataset_corpusId_fkey" FOREIGN KEY ("corpusId") REFERENCES "Corpus"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TokenDataset" ADD CONSTRAINT "TokenDataset_tokenizerId_fkey" FOREIGN KEY ("tokenizerId") REFERENCES "Tokenizer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TokenDataset" ADD CONSTRAINT "TokenDataset_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "TokenDataset"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DataOrder" ADD CONSTRAINT "DataOrder_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "TokenDataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_suiteId_fkey" FOREIGN KEY ("suiteId") REFERENCES "Suite"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_modelConfigId_fkey" FOREIGN KEY ("modelConfigId") REFERENCES "ModelConfig"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_dataOrderId_fkey" FOREIGN KEY ("dataOrderId") REFERENCES "DataOrder"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_parentRunId_fkey" FOREIGN KEY ("parentRunId") REFERENCES "Run"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Checkpoint" ADD CONSTRAINT "Checkpoint_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Evaluation" ADD CONSTRAINT "Evaluation_checkpointId_fkey" FOREIGN KEY ("checkpointId") REFERENCES "Checkpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Analysis" ADD CONSTRAINT "Analysis_suiteId_fkey" FOREIGN KEY ("suiteId") REFERENCES "Suite"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Artifact" ADD CONSTRAINT "Artifact_suiteId_fkey" FOREIGN KEY ("suiteId") REFERENCES "Suite"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BackendProbe" ADD CONSTRAINT "BackendProbe_suiteId_fkey" FOREIGN KEY ("suiteId") REFERENCES "Suite"("id") ON DELETE CASCADE ON UPDATE CASCADE;

