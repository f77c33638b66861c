-- CreateEnum
CREATE TYPE "purchase_status" AS ENUM ('pending', 'paid', 'failed', 'refunded', 'partially_refunded', 'disputed');

-- CreateTable
CREATE TABLE "billing_accounts" (
    "user_id" UUID NOT NULL,
    "stripe_customer_id" TEXT,
    "flagged_at" TIMESTAMPTZ(3),
    "flag_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "billing_accounts_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "purchases" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "pack_id" TEXT NOT NULL,
    "credits" INTEGER NOT NULL,
    "amount" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "status" "purchase_status" NOT NULL DEFAULT 'pending',
    "failure_reason" TEXT,
    "stripe_checkout_session_id" TEXT NOT NULL,
    "stripe_customer_id" TEXT,
    "stripe_payment_intent_id" TEXT,
    "stripe_charge_id" TEXT,
    "stripe_dispute_id" TEXT,
    "amount_refunded" INTEGER NOT NULL DEFAULT 0,
    "amount_disputed" INTEGER NOT NULL DEFAULT 0,
    "credits_granted" INTEGER NOT NULL DEFAULT 0,
    "credits_reversed" INTEGER NOT NULL DEFAULT 0,
    "credits_shortfall" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "paid_at" TIMESTAMPTZ(3),
    "failed_at" TIMESTAMPTZ(3),
    "refunded_at" TIMESTAMPTZ(3),
    "disputed_at" TIMESTAMPTZ(3),

    CONSTRAINT "purchases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "purchase_ledger_entries" (
    "ledger_entry_id" UUID NOT NULL,
    "purchase_id" UUID NOT NULL,

    CONSTRAINT "purchase_ledger_entries_pkey" PRIMARY KEY ("ledger_entry_id")
);

-- CreateTable
CREATE TABLE "stripe_events" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "purchase_id" UUID,
    "stripe_created_at" TIMESTAMPTZ(3) NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stripe_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_adjustments" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "requested" INTEGER NOT NULL,
    "applied" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "ledger_entry_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_adjustments_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "billing_accounts_stripe_customer_id_key" ON "billing_accounts"("stripe_customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "purchases_stripe_checkout_session_id_key" ON "purchases"("stripe_checkout_session_id");

-- CreateIndex
CREATE UNIQUE INDEX "purchases_stripe_payment_intent_id_key" ON "purchases"("stripe_payment_intent_id");

-- CreateIndex
CREATE INDEX "purchases_user_id_created_at_id_idx" ON "purchases"("user_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "purchase_ledger_entries_purchase_id_idx" ON "purchase_ledger_entries"("purchase_id");

-- CreateIndex
CREATE INDEX "stripe_events_purchase_id_idx" ON "stripe_events"("purchase_id");

-- CreateIndex
CREATE UNIQUE INDEX "credit_adjustments_ledger_entry_id_key" ON "credit_adjustments"("ledger_entry_id");

-- CreateIndex
CREATE INDEX "credit_adjustments_user_id_idx" ON "credit_adjustments"("user_id");

-- AddForeignKey
ALTER TABLE "billing_accounts" ADD CONSTRAINT "billing_accounts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "purchases" ADD CONSTRAINT "purchases_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "purchase_ledger_entries" ADD CONSTRAINT "purchase_ledger_entries_ledger_entry_id_fkey" FOREIGN KEY ("ledger_entry_id") REFERENCES "ledger_entries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "purchase_ledger_entries" ADD CONSTRAINT "purchase_ledger_entries_purchase_id_fkey" FOREIGN KEY ("purchase_id") REFERENCES "purchases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stripe_events" ADD CONSTRAINT "stripe_events_purchase_id_fkey" FOREIGN KEY ("purchase_id") REFERENCES "purchases"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_adjustments" ADD CONSTRAINT "credit_adjustments_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_adjustments" ADD CONSTRAINT "credit_adjustments_ledger_entry_id_fkey" FOREIGN KEY ("ledger_entry_id") REFERENCES "ledger_entries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Easel (not expressible in schema.prisma): the money columns stay within what the purchase was.
ALTER TABLE "purchases" ADD CONSTRAINT "purchases_amounts_check" CHECK (
    "credits" > 0 AND "amount" >= 0
    AND "amount_refunded" >= 0 AND "amount_disputed" >= 0
    AND "credits_granted" IN (0, "credits")
    AND "credits_reversed" >= 0 AND "credits_shortfall" >= 0
    AND "credits_reversed" + "credits_shortfall" <= "credits_granted"
);
ALTER TABLE "credit_adjustments" ADD CONSTRAINT "credit_adjustments_amounts_check" CHECK (
    "requested" <> 0 AND (("requested" > 0 AND "applied" = "requested") OR ("requested" < 0 AND "applied" BETWEEN "requested" AND 0))
);
