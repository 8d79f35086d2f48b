-- AddCheckConstraint: hand-written, validates every row under the lock
ALTER TABLE "Post" ADD CONSTRAINT "Post_views_nonnegative" CHECK ("views" >= 0); -- want "constraint-missing-not-valid"

-- The safe way: NOT VALID now, VALIDATE in a later migration
ALTER TABLE "User" ADD CONSTRAINT "User_email_lower" CHECK ("email" = lower("email")) NOT VALID;
