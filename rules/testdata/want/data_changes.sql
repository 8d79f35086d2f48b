-- Backfill in the schema migration: every row of "Post" is locked until the file commits
UPDATE "Post" SET "views" = 0; -- want "update-or-delete-without-where"

DELETE FROM "User" WHERE "role" = 'ADMIN';
