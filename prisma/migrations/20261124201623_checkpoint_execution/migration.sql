-- AlterTable
ALTER TABLE "Checkpoint" ADD COLUMN     "workflowId" TEXT,
ADD COLUMN     "workflowRunId" TEXT;

