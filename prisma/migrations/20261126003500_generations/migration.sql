-- CreateEnum
CREATE TYPE "generation_status" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'canceled');

-- CreateTable
CREATE TABLE "generations" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "engine" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "status" "generation_status" NOT NULL DEFAULT 'queued',
    "params" JSONB NOT NULL,
    "cost" INTEGER NOT NULL,
    "error_name" TEXT,
    "error_message" TEXT,
    "idempotency_key" TEXT,
    "request_hash" TEXT,
    "webhook_url" TEXT,
    "worker_id" TEXT,
    "pipeline_ms" DOUBLE PRECISION,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "images_deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "generations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "artifacts" (
    "generation_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "seed" BIGINT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "finish_reason" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,

    CONSTRAINT "artifacts_pkey" PRIMARY KEY ("generation_id", "kind", "index")
);

-- CreateIndex
CREATE UNIQUE INDEX "generations_user_id_idempotency_key_key" ON "generations"("user_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "generations_user_id_created_at_id_idx" ON "generations"("user_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "generations_status_created_at_idx" ON "generations"("status", "created_at");

-- AddForeignKey
ALTER TABLE "generations" ADD CONSTRAINT "generations_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "artifacts" ADD CONSTRAINT "artifacts_generation_id_fkey" FOREIGN KEY ("generation_id") REFERENCES "generations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
