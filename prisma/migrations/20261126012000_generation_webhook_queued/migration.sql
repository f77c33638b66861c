-- AlterTable
ALTER TABLE "generations" ADD COLUMN "webhook_queued_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "generations_finished_at_idx" ON "generations"("finished_at");
