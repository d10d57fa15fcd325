-- CreateEnum
CREATE TYPE "AnalysisStatus" AS ENUM ('pending', 'running', 'completed', 'failed');

-- DropIndex
DROP INDEX "Analysis_suiteId_kind_params_key";

-- AlterTable
ALTER TABLE "Analysis" ADD COLUMN     "codeVersion" TEXT,
ADD COLUMN     "completedAt" TIMESTAMP(3),
ADD COLUMN     "error" TEXT,
ADD COLUMN     "inputs" JSONB,
ADD COLUMN     "paramsHash" TEXT NOT NULL,
ADD COLUMN     "status" "AnalysisStatus" NOT NULL DEFAULT 'pending',
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL,
ADD COLUMN     "workflowId" TEXT,
ADD COLUMN     "workflowRunId" TEXT,
ALTER COLUMN "result" DROP NOT NULL;

-- AlterTable
ALTER TABLE "Artifact" ADD COLUMN     "analysisId" UUID,
ADD COLUMN     "content" BYTEA,
ADD COLUMN     "mediaType" TEXT,
ADD COLUMN     "name" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Analysis_suiteId_kind_paramsHash_key" ON "Analysis"("suiteId", "kind", "paramsHash");

-- CreateIndex
CREATE UNIQUE INDEX "Artifact_analysisId_name_key" ON "Artifact"("analysisId", "name");

-- AddForeignKey
ALTER TABLE "Artifact" ADD CONSTRAINT "Artifact_analysisId_fkey" FOREIGN KEY ("analysisId") REFERENCES "Analysis"("id") ON DELETE CASCADE ON UPDATE CASCADE;

