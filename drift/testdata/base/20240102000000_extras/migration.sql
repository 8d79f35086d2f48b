CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW."createdAt" := now();
    RETURN NEW;
END
$$;

CREATE TRIGGER "User_touch" BEFORE UPDATE ON "User" FOR EACH ROW EXECUTE FUNCTION touch();

CREATE VIEW "PublishedPost" AS SELECT "id", "title" FROM "Post" WHERE "published";

CREATE SEQUENCE "invoice_seq" START 1000;

CREATE TABLE "Audit" (
    "id" BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    "note" TEXT
);
