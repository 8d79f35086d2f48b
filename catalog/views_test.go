package catalog_test

import (
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/catalog"
)

// TestViewColumns checks the columns the replay names for views: stars
// expanded over known tables as PostgreSQL does at CREATE VIEW, aliases,
// column references, and nil where it cannot name them all.
func TestViewColumns(t *testing.T) {
	const tables = `CREATE TABLE "a" ("id" INT, "x" TEXT); CREATE TABLE "b" ("id" INT, "y" TEXT);`
	cases := []struct{ name, sql, want string }{
		{"star", `CREATE VIEW "v" AS SELECT * FROM "a";`, "id x"},
		{"qualified star and aliases", `CREATE VIEW "v" AS SELECT a.*, b."y" AS "why", b.id FROM "a" a JOIN "b" ON b.id = a.id;`, "id x why id"},
		{"statement's column names win", `CREATE VIEW "v" ("p", "q") AS SELECT "id", "x" FROM "a";`, "p q"},
		{"star over a subquery: unknown", `CREATE VIEW "v" AS SELECT * FROM (SELECT 1) s;`, "?"},
		{"unaliased expression: unknown", `CREATE VIEW "v" AS SELECT "id" + 1 FROM "a";`, "?"},
		{"star over a CTE: unknown", `CREATE VIEW "v" AS WITH "a" AS (SELECT 1 AS "z") SELECT * FROM "a";`, "?"},
		{"star over an unknown table: unknown", `CREATE VIEW "v" AS SELECT * FROM "c";`, "?"},
		{"columns fixed when created", `CREATE VIEW "v" AS SELECT * FROM "a"; ALTER TABLE "a" ADD COLUMN "later" INT;`, "id x"},
		{"renamed view column", `CREATE VIEW "v" AS SELECT * FROM "a"; ALTER VIEW "v" RENAME COLUMN "x" TO "ex";`, "id ex"},
		{"materialized view", `CREATE MATERIALIZED VIEW "v" AS SELECT "x" FROM "a";`, "x"},
		{"dropped", `CREATE VIEW "v" AS SELECT * FROM "a"; DROP VIEW "v";`, "-"},
		{"renamed", `CREATE VIEW "w" AS SELECT * FROM "a"; ALTER VIEW "w" RENAME TO "v";`, "id x"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cat := catalog.New()
			apply(t, cat, tables+c.sql)
			cols, ok := cat.View(catalog.Name{Schema: catalog.DefaultSchema, Name: "v"})
			got := strings.Join(cols, " ")
			switch {
			case !ok:
				got = "-"
			case cols == nil:
				got = "?"
			}
			if got != c.want {
				t.Errorf("columns %q, want %q", got, c.want)
			}
		})
	}
}
