-- Hand-edited to avoid the lock; but with two statements, Prisma sends the file
-- as one query, which PostgreSQL runs as one transaction
CREATE INDEX CONCURRENTLY "Post_published_idx" ON "Post"("published"); -- want "non-transactional-in-transaction"

-- CreateIndex: it contains the columns of "User_email_key", so it cannot find duplicates
CREATE UNIQUE INDEX CONCURRENTLY "User_email_role_key" ON "User"("email", "role"); -- want "non-transactional-in-transaction"
