-- CreateIndex
CREATE INDEX "Suite_createdAt_id_idx" ON "Suite"("createdAt", "id");

