/*
  Warnings:

  - You are about to drop the column `name` on the `User` table. All the data in the column will be lost.

*/
-- AlterTable
ALTER TABLE "User" DROP COLUMN "name"; -- want "drop-column"

-- AlterTable
ALTER TABLE "Post" DROP COLUMN "content", -- want "drop-column"
DROP COLUMN "views"; -- want "drop-column"
