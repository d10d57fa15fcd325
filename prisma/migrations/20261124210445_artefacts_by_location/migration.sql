-- DropIndex
DROP INDEX "Tokenizer_contentHash_key";

-- DropIndex
DROP INDEX "TokenDataset_contentHash_variant_key";

-- DropIndex
DROP INDEX "DataOrder_datasetId_orderHash_key";

-- CreateIndex
CREATE UNIQUE INDEX "Tokenizer_uri_key" ON "Tokenizer"("uri");

-- CreateIndex
CREATE INDEX "Tokenizer_contentHash_idx" ON "Tokenizer"("contentHash");

-- CreateIndex
CREATE INDEX "TokenDataset_contentHash_idx" ON "TokenDataset"("contentHash");

-- CreateIndex
CREATE UNIQUE INDEX "TokenDataset_uri_key" ON "TokenDataset"("uri");

-- CreateIndex
CREATE INDEX "DataOrder_orderHash_idx" ON "DataOrder"("orderHash");

-- CreateIndex
CREATE UNIQUE INDEX "DataOrder_uri_key" ON "DataOrder"("uri");

