-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "checkpointSteps" INTEGER[],
ADD COLUMN     "modelName" TEXT NOT NULL,
ADD COLUMN     "training" JSONB NOT NULL,
ADD COLUMN     "transform" TEXT,
ADD COLUMN     "variant" "DatasetVariant" NOT NULL DEFAULT 'standard';

-- AlterTable
ALTER TABLE "Checkpoint" ADD COLUMN     "consumedSha256" TEXT,
ADD COLUMN     "meanLoss" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "RunMetric" (
    "runId" UUID NOT NULL,
    "step" INTEGER NOT NULL,
    "loss" DOUBLE PRECISION NOT NULL,
    "lr" DOUBLE PRECISION NOT NULL,
    "gradNorm" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "RunMetric_pkey" PRIMARY KEY ("runId","step")
);

-- AddForeignKey
ALTER TABLE "RunMetric" ADD CONSTRAINT "RunMetric_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

