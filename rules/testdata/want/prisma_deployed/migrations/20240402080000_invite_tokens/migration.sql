-- The tables of the earlier migrations are deployed and hold rows by now.
SET lock_timeout = '3s';

-- AlterEnum
ALTER TYPE "MemberRole" ADD VALUE 'BILLING';

-- AlterTable
ALTER TABLE "Membership" ADD COLUMN     "invitedAt" TIMESTAMP(3),
ADD COLUMN     "inviteToken" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Membership_inviteToken_key" ON "Membership"("inviteToken"); -- want "require-concurrent-index"

-- CreateIndex: CONCURRENTLY in a file of several statements, which Prisma runs as one transaction
CREATE INDEX CONCURRENTLY "Membership_userId_idx" ON "Membership"("userId"); -- want "non-transactional-in-transaction"
