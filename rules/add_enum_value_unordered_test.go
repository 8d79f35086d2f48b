package rules_test

import "testing"

func TestAddEnumValueUnordered(t *testing.T) {
	runCases(t, "add-enum-value-unordered", []ruleCase{
		{name: "prisma new enum value", history: exampleHistory,
			sql: "-- AlterEnum\nALTER TYPE \"Role\" ADD VALUE 'MODERATOR';\n", want: []string{"2:29"}},
		{name: "IF NOT EXISTS, schema-qualified", history: exampleHistory,
			sql: "-- AlterEnum\nALTER TYPE \"public\".\"Role\" ADD VALUE IF NOT EXISTS 'GUEST';\n", want: []string{"2:52"}},
		{name: "enum the history does not know", sql: "ALTER TYPE mood ADD VALUE 'meh';\n", want: []string{"1:27"}},
		{name: "AFTER", history: exampleHistory, sql: "ALTER TYPE \"Role\" ADD VALUE 'MODERATOR' AFTER 'USER';\n"},
		{name: "BEFORE", history: exampleHistory, sql: "ALTER TYPE \"Role\" ADD VALUE 'GUEST' BEFORE 'USER';\n"},
		{name: "RENAME VALUE", history: exampleHistory, sql: "ALTER TYPE \"Role\" RENAME VALUE 'USER' TO 'MEMBER';\n"},
	})
}

func TestAddEnumValueUnorderedFix(t *testing.T) {
	fs := lintSQL(t, exampleHistory, "ALTER TYPE \"Role\" ADD VALUE 'MODERATOR';\n", 0)
	assertFinding(t, fs, "add-enum-value-unordered", "after 'ADMIN', its last value,", `in "Role"`,
		"ALTER TYPE \"Role\" ADD VALUE 'MODERATOR' AFTER 'ADMIN';")
}
