package trace_test

import (
	"encoding/json"
	"testing"
)

func TestSmoke(t *testing.T) {
	dir := writeDir(t, `CREATE TABLE "User" (id serial PRIMARY KEY, email text NOT NULL UNIQUE, n int);
CREATE TABLE "Post" (id text PRIMARY KEY, "authorId" int NOT NULL REFERENCES "User"(id), title varchar(20), at timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE INDEX ON "Post"("authorId");`,
		`ALTER TABLE "User" ALTER COLUMN n TYPE bigint;
ALTER TABLE "Post" ADD COLUMN x int;
CREATE INDEX "Post_title_idx" ON "Post"(title);
ALTER TABLE "Post" ADD COLUMN y int NOT NULL;`)
	res := traceLast(t, dir, 1000)
	b, _ := json.MarshalIndent(res, "", " ")
	t.Log(string(b))
}
