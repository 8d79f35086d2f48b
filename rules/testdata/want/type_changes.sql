-- AlterTable: Prisma's @db.Text on a String? field that was VarChar(100)
ALTER TABLE "User" ALTER COLUMN "name" SET DATA TYPE TEXT;

-- AlterTable: Int to Float rewrites the table
ALTER TABLE "Post" ALTER COLUMN "views" SET DATA TYPE DOUBLE PRECISION; -- want "column-type-rewrite"

-- AlterTable: a hand-written USING
ALTER TABLE "Post" ALTER COLUMN "published" SET DATA TYPE INTEGER USING CASE WHEN "published" THEN 1 ELSE 0 END; -- want "column-type-rewrite"
