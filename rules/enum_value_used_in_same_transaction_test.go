package rules_test

import "testing"

func TestEnumValueUsedInSameTransaction(t *testing.T) {
	runCases(t, "enum-value-used-in-same-transaction", []ruleCase{
		{name: "prisma: new value becomes the default", history: exampleHistory,
			sql:  "-- AlterEnum\nALTER TYPE \"Role\" ADD VALUE 'GUEST';\n\n-- AlterTable\nALTER TABLE \"User\" ALTER COLUMN \"role\" SET DEFAULT 'GUEST';\n",
			want: []string{"5:52"}},
		{name: "update and comparison, schema-qualified", history: exampleHistory,
			sql:  "ALTER TYPE \"public\".\"Role\" ADD VALUE 'GUEST';\nUPDATE \"public\".\"User\" u SET \"role\" = 'GUEST' WHERE u.\"role\" = 'USER' AND \"email\" LIKE '%@guest.example';\nDELETE FROM \"User\" WHERE \"role\" IN ('ADMIN', 'GUEST');\n",
			want: []string{"2:39", "3:46"}},
		{name: "insert, cast and new column default", history: exampleHistory,
			sql:  "ALTER TYPE \"Role\" ADD VALUE 'GUEST';\nINSERT INTO \"User\" (\"email\", \"role\") VALUES ('guest@example.com', 'GUEST');\nSELECT 'GUEST'::\"Role\";\nALTER TABLE \"Post\" ADD COLUMN \"audience\" \"Role\" NOT NULL DEFAULT 'GUEST';\n",
			want: []string{"2:67", "3:8", "4:66"}},
		{name: "explicit transaction, use before COMMIT", history: exampleHistory,
			sql:  "BEGIN;\nALTER TYPE \"Role\" ADD VALUE 'GUEST';\nUPDATE \"User\" SET \"role\" = 'GUEST' WHERE \"id\" = 1;\nCOMMIT;\n",
			want: []string{"3:28"}},
		{name: "used after the COMMIT of the transaction that added it", history: exampleHistory,
			sql: "BEGIN;\nALTER TYPE \"Role\" ADD VALUE 'GUEST';\nCOMMIT;\nALTER TABLE \"User\" ALTER COLUMN \"role\" SET DEFAULT 'GUEST';\n"},
		{name: "the same text in a text column", history: exampleHistory,
			sql: "ALTER TYPE \"Role\" ADD VALUE 'GUEST';\nUPDATE \"User\" SET \"name\" = 'GUEST' WHERE \"name\" = 'GUEST';\n"},
		{name: "a value that existed before", history: exampleHistory,
			sql: "ALTER TYPE \"Role\" ADD VALUE IF NOT EXISTS 'ADMIN';\nALTER TYPE \"Role\" ADD VALUE 'GUEST';\nALTER TABLE \"User\" ALTER COLUMN \"role\" SET DEFAULT 'ADMIN';\n"},
		{name: "added value not used", history: exampleHistory,
			sql: "-- AlterEnum\nALTER TYPE \"Role\" ADD VALUE 'GUEST';\n\n-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n"},
	})
}
