-- AlterTable
ALTER TABLE "Evaluation" ADD COLUMN     "backend" TEXT,
ADD COLUMN     "codeVersion" TEXT,
ADD COLUMN     "dataSha256" TEXT NOT NULL,
ADD COLUMN     "limit" INTEGER,
ADD COLUMN     "requestsUri" TEXT,
ADD COLUMN     "taskVersion" TEXT NOT NULL,
ADD COLUMN     "workflowId" TEXT,
ADD COLUMN     "workflowRunId" TEXT;

-- CreateIndex
CREATE INDEX "Evaluation_task_metric_idx" ON "Evaluation"("task", "metric");

