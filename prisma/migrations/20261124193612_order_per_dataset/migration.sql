-- DropIndex
DROP INDEX "DataOrder_orderHash_key";

-- CreateIndex
CREATE UNIQUE INDEX "DataOrder_datasetId_orderHash_key" ON "DataOrder"("datasetId", "orderHash");

