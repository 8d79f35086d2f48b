package rules_test

import "testing"

// bookings is an existing table with a range column, and btree_gist, whose
// operator classes let an exclusion constraint compare its integer column.
var bookings = append(append([]string(nil), exampleHistory...), `-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "btree_gist";

-- CreateTable
CREATE TABLE "Booking" (
    "id" SERIAL NOT NULL,
    "roomId" INTEGER NOT NULL,
    "during" TSRANGE NOT NULL,

    CONSTRAINT "Booking_pkey" PRIMARY KEY ("id")
);`)

func TestExclusionConstraint(t *testing.T) {
	runCases(t, "exclusion-constraint", []ruleCase{
		{name: "exclusion constraint on an existing table", history: bookings,
			sql:  "-- AlterTable\nALTER TABLE \"Booking\" ADD CONSTRAINT \"Booking_room_during_excl\" EXCLUDE USING gist (\"roomId\" WITH =, \"during\" WITH &&);\n",
			want: []string{"2:23"}},
		{name: "unnamed, second clause, schema-qualified", history: bookings,
			sql:  "ALTER TABLE \"public\".\"Booking\" ADD COLUMN \"note\" TEXT,\n  ADD EXCLUDE USING gist (\"during\" WITH &&);\n",
			want: []string{"2:3"}},
		{name: "in CREATE TABLE", history: exampleHistory,
			sql: "CREATE TABLE \"Booking\" (\"id\" SERIAL NOT NULL, \"during\" TSRANGE NOT NULL, EXCLUDE USING gist (\"during\" WITH &&));\n"},
		{name: "table created earlier in the same migration", history: exampleHistory,
			sql: "CREATE TABLE \"Booking\" (\"id\" SERIAL NOT NULL, \"during\" TSRANGE NOT NULL);\nALTER TABLE \"Booking\" ADD EXCLUDE USING gist (\"during\" WITH &&);\n"},
		{name: "a CHECK is not this rule's", history: bookings,
			sql: "ALTER TABLE \"Booking\" ADD CONSTRAINT \"Booking_during_check\" CHECK (NOT isempty(\"during\")) NOT VALID;\n"},
	})
}

func TestExclusionConstraintFix(t *testing.T) {
	wantFix(t, bookings, "ALTER TABLE \"Booking\" ADD EXCLUDE USING gist (\"during\" WITH &&);", "exclusion-constraint",
		"SET LOCAL lock_timeout = '5s';\nALTER TABLE \"Booking\" ADD EXCLUDE USING gist (\"during\" WITH &&);")
	wantMessage(t, bookings, "ALTER TABLE \"Booking\" ADD EXCLUDE USING gist (\"during\" WITH &&);", "exclusion-constraint",
		`adding exclusion constraint "Booking_during_excl" builds its index and checks every row of "Booking"`,
		`an ACCESS EXCLUSIVE lock on "Booking", which blocks reads and writes on it`, "23P01")
}
