/*
  Warnings:

  - Added the required column `slug` to the `Post` table without a default value. This is not possible if the table is not empty.

*/
-- AlterTable
ALTER TABLE "Post" ADD COLUMN     "slug" TEXT NOT NULL, -- want "adding-required-column"
ADD COLUMN     "summary" TEXT,
ADD COLUMN     "rank" INTEGER NOT NULL; -- want "adding-required-column"

-- AlterTable: a default fills existing rows, so this one is safe
ALTER TABLE "User" ADD COLUMN     "active" BOOLEAN NOT NULL DEFAULT true;
