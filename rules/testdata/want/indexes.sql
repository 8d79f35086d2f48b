-- DropIndex
DROP INDEX "Post_authorId_idx"; -- want "require-concurrent-drop-index"

-- CreateIndex: schema-qualified, as Prisma writes it with multiSchema
CREATE INDEX "Post_authorId_published_idx" ON "public"."Post"("authorId", "published"); -- want "require-concurrent-index"

-- CreateIndex: GIN over an expression
CREATE INDEX "Post_title_trgm_idx" ON "Post" USING GIN (to_tsvector('english', "title")); -- want "require-concurrent-index"

-- AddUniqueConstraint: builds a unique index under ACCESS EXCLUSIVE
ALTER TABLE "User" ADD CONSTRAINT "User_name_key" UNIQUE ("name"); -- want "unique-constraint-without-index"
