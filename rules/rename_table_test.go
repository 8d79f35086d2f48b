package rules_test

import "testing"

func TestRenameTable(t *testing.T) {
	runCases(t, "rename-table", []ruleCase{
		{name: "rename edited into a Prisma migration", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"User\" RENAME TO \"Account\";\n",
			want: []string{"2:20"}},
		{name: "schema-qualified", history: exampleHistory,
			sql:  "ALTER TABLE \"public\".\"Post\" RENAME TO \"Article\";\n",
			want: []string{"1:29"}},
		{name: "a view under another name does not help", history: exampleHistory,
			sql:  "ALTER TABLE \"Post\" RENAME TO \"Article\";\nCREATE VIEW \"PostView\" AS SELECT * FROM \"Article\";\n",
			want: []string{"1:20"}},
		{name: "unknown table is assumed to serve traffic",
			sql:  `ALTER TABLE IF EXISTS audit_log RENAME TO audit_events;`,
			want: []string{"1:33"}},
		{name: "the same table, known to the history", history: auditHistory,
			sql:  `ALTER TABLE IF EXISTS audit_log RENAME TO audit_events;`,
			want: []string{"1:33"}},
		{name: "compatibility view with the old name", history: exampleHistory,
			sql: "ALTER TABLE \"public\".\"User\" RENAME TO \"Account\";\nCREATE VIEW \"User\" AS SELECT * FROM \"Account\";\n"},
		{name: "table created in the same migration",
			sql: "-- CreateTable\nCREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL);\n\nALTER TABLE \"Tag\" RENAME TO \"Label\";\n"},
		{name: "prisma enum swap renames types, not tables", history: exampleHistory,
			sql: "-- AlterEnum\nBEGIN;\nCREATE TYPE \"Role_new\" AS ENUM ('USER', 'ADMIN', 'OWNER');\nALTER TYPE \"Role\" RENAME TO \"Role_old\";\nALTER TYPE \"Role_new\" RENAME TO \"Role\";\nCOMMIT;\n"},
		{name: "prisma RenameIndex", history: exampleHistory,
			sql: "-- RenameIndex\nALTER INDEX \"User_email_key\" RENAME TO \"User_mail_key\";\n"},
	})
}
