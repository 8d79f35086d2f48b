/*
  Warnings:

  - You are about to drop the column `content` on the `Post` table. All the data in the column will be lost.

*/
-- AlterTable: `content` renamed to `body` in schema.prisma without @map
ALTER TABLE "Post" DROP COLUMN "content", -- want "drop-add-rename"
ADD COLUMN     "body" TEXT;
