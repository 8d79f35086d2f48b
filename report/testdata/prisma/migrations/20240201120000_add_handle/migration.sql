/*
  Warnings:

  - Added the required column `handle` to the `User` table without a default value. This is not possible if the table is not empty.
  - Added the required column `slug` to the `Post` table without a default value. This is not possible if the table is not empty.

*/
-- AlterTable
ALTER TABLE "User" ADD COLUMN     "bio" TEXT,
ADD COLUMN     "score" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "handle" TEXT NOT NULL;

-- AlterTable (hand-edited)
ALTER TABLE "public"."Post"
	ADD COLUMN "slug"	TEXT NOT NULL;

-- migrate-guard-ignore adding-required-column -- no longer needed
-- AlterTable
ALTER TABLE "Post" ADD COLUMN     "views" INTEGER;

-- migrate-guard-ignore adding-requried-column -- typo: silences nothing
ALTER TABLE "User" ADD COLUMN     "nickname" TEXT;

-- AlterTable
ALTER TABLE "User" ADD COLUMN "email_verified" BOOLEAN NOT NUL;
