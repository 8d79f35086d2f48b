// Package drift catches hotfixes made by hand in production: it compares a
// database with the schema its own applied history builds, and writes the
// migrations that fold the drift back into the history.
//
// The expected schema is the migrations recorded as applied in the
// database's _prisma_migrations (by name, in the order applied, rolled-back
// rows excluded), replayed from disk on a shadow database (package shadow)
// with deploy's own apply code, so each file runs the way the runner runs
// it. Both sides are then read from pg_catalog in the schemas the history
// touches — tables, columns, constraints, indexes (INVALID ones included),
// enums, domains, sequences, views, materialized views, functions,
// procedures, triggers, extensions, row-level security and policies — with the
// session's search_path set to pg_catalog, so that what the catalog deparses
// (pg_get_indexdef, pg_get_constraintdef, pg_get_functiondef, ...) is
// qualified the same way on both sides and compares as text. Objects owned
// by extensions and the history table are left out; where a sequence
// stands (RESTART, setval) is data, not schema; comments are compared only
// when asked. Not compared today: owners and privileges, extension
// versions (a server upgrade leaves old ones in place), storage parameters
// and tablespaces, composite types, collations, statistics objects, and
// column order.
//
// The reconciling migrations take a database at the history's end to the
// checked database's schema in safe forms: each index built (or dropped)
// CONCURRENTLY in a migration of its own, foreign keys and checks added NOT
// VALID and validated in a later migration, NOT NULL through a validated
// check, unique and primary keys through a concurrent index and USING
// INDEX. A statement that has no safe form (a column type change that
// rewrites, a dropped table) is written with a suppression comment saying
// why, and reported as a warning, so that the files lint without errors.
// The database that has the drift must not run them: `migrate-guard resolve
// --applied <name>` marks each applied there.
//
// # Why our own introspection, not github.com/stripe/pg-schema-diff
//
// pg-schema-diff v1.0.7 (MIT) was evaluated. Its planner is good — online
// index builds, NOT VALID constraints, hazards per statement — but for this
// job it is the worse fit:
//   - It brings two more PostgreSQL drivers (lib/pq through database/sql,
//     and pgx/v4 with pgconn v1 and pgtype for its temporary databases) to a
//     project built on pgx/v5, plus cobra and promptui in its module graph.
//   - Its schema model is internal (internal/schema): the public API hands
//     back a plan of SQL statements, not objects, so a report of kind,
//     object, change and both definitions — the JSON shape — would
//     have to be reconstructed from SQL text.
//   - Its expected schema comes from applying DDL files its own way
//     (DirSchemaSource); ours must replay exactly the rows of
//     _prisma_migrations, in applied order, the way deploy runs each file
//     (one transaction, or statement by statement for CONCURRENTLY).
//   - Its catalog queries do not read exclusion constraints, and it would
//     decide on its own what counts as drift
//     (sequence positions, comments, extension objects), where we need
//     exact control and tests that pin each case.
//
// Our introspection is a dozen catalog queries on pgx/v5 that reuse the
// server's own deparsers; the tests (real histories replayed with no false
// drift, and one test per hotfix scenario whose written migration round-trips)
// decide.
package drift
