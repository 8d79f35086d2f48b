/*
  Warnings:

  - A unique constraint covering the columns `[title]` on the table `Post` will be added. If there are existing duplicate values, this will fail.

*/
-- CreateIndex: alone in its migration, so Prisma's one query is no transaction block
CREATE UNIQUE INDEX CONCURRENTLY "Post_title_key" ON "Post"("title"); -- want "unique-over-existing-data"
