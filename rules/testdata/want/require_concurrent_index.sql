-- CreateIndex
CREATE INDEX "Post_published_idx" ON "Post"("published"); -- want "require-concurrent-index"

-- CreateIndex
CREATE UNIQUE INDEX "Post_title_key" ON "Post"("title"); -- want "require-concurrent-index"

-- CreateTable
CREATE TABLE "Comment" (
    "id" SERIAL NOT NULL,
    "postId" INTEGER NOT NULL,
    "body" TEXT NOT NULL,

    CONSTRAINT "Comment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex: the table is new and empty, so a plain CREATE INDEX blocks nobody
CREATE INDEX "Comment_postId_idx" ON "Comment"("postId");
