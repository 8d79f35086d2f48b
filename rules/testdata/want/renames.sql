-- AlterTable
ALTER TABLE "User" RENAME COLUMN "name" TO "displayName"; -- want "rename-column"

-- AlterTable
ALTER TABLE "Post" RENAME TO "Article"; -- want "rename-table"

-- AlterEnum
ALTER TYPE "Role" RENAME VALUE 'ADMIN' TO 'OWNER'; -- want "rename-enum-value"
