-- AlterEnum
ALTER TYPE "Role" ADD VALUE 'MODERATOR';

-- AlterTable: the new value cannot be used in the transaction that added it
ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'MODERATOR'; -- want "enum-value-used-in-same-transaction"
