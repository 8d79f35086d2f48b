/*
  Warnings:

  - You are about to alter the column `title` on the `Post` table. The data in that column could be lost. The data in that column will be cast from `VarChar(255)` to `VarChar(100)`.

*/
-- AlterTable
ALTER TABLE "Post" ALTER COLUMN "title" SET DATA TYPE VARCHAR(100); -- want "column-type-rewrite"

-- AlterTable: widening a varchar, or varchar to text, rewrites nothing
ALTER TABLE "User" ALTER COLUMN "name" SET DATA TYPE VARCHAR(200);
ALTER TABLE "User" ALTER COLUMN "email" SET DATA TYPE TEXT;

-- AlterTable
ALTER TABLE "Post" ALTER COLUMN "views" SET DATA TYPE BIGINT; -- want "column-type-rewrite"
