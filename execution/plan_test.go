package execution

import (
	"fmt"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/sqlfile"
)

func TestTransactions(t *testing.T) {
	prisma6, prisma78, guard := mustRunner("prisma@6.19.0"), mustRunner("prisma@7.8.0"), mustRunner("migrate-guard")
	cases := []struct {
		name, sql string
		runner    Runner
		want      string // per statement: "-" outside a transaction, else its ID, "e" marks explicit
	}{
		{"single statement", "CREATE INDEX CONCURRENTLY i ON t (a);", prisma6, "-"},
		{"implicit", "CREATE TABLE a (id int); CREATE TABLE b (id int);", prisma6, "0 0"},
		{"statements before BEGIN join it", "UPDATE t SET a = 1; BEGIN; ALTER TABLE t ADD b int; COMMIT; SELECT 1;", prisma6, "0 0e 0e 0e 1"},
		{"two blocks", "BEGIN; SELECT 1; COMMIT; BEGIN; SELECT 2; COMMIT;", prisma6, "0e 0e 0e 1e 1e 1e"},
		{"goose no transaction", "-- +goose NO TRANSACTION\nSELECT 1; BEGIN; SELECT 2; COMMIT; SELECT 3;", prisma6, "- 1e 1e 1e -"},
		{"split", "CREATE TABLE a (id int); CREATE INDEX CONCURRENTLY i ON a (id);", prisma78, "- -"},
		{"split keeps an explicit block", "SELECT 1; BEGIN; SELECT 2; COMMIT; SELECT 3;", prisma78, "- 1e 1e 1e -"},
		{"split falls back on DROP INDEX CONCURRENTLY", "CREATE TABLE a (id int); DROP INDEX CONCURRENTLY i;", prisma78, "0 0"},
		{"split falls back on DO", "CREATE TABLE a (id int); DO $$ BEGIN END $$;", prisma78, "0 0"},
		{"guard atomic", "CREATE TABLE a (id int); CREATE TABLE b (id int);", guard, "0 0"},
		{"guard atomic single", "CREATE TABLE a (id int);", guard, "0"},
		{"guard concurrently", "CREATE TABLE a (id int); CREATE INDEX CONCURRENTLY i ON a (id);", guard, "- -"},
		{"guard enum used later", "ALTER TYPE r ADD VALUE 'g'; UPDATE u SET r = 'g';", guard, "- -"},
		{"guard enum not used", "ALTER TYPE r ADD VALUE 'g'; UPDATE u SET r = 'h';", guard, "0 0"},
		{"guard own transactions", "BEGIN; SELECT 1; COMMIT; SELECT 2;", guard, "0e 0e 0e 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := sqlfile.Parse("m.sql", []byte(c.sql))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tx := range Build(f, c.runner, 15).Tx {
				s := "-"
				if tx.InTx {
					s = fmt.Sprint(tx.ID)
					if tx.Explicit {
						s += "e"
					}
				}
				got = append(got, s)
			}
			if strings.Join(got, " ") != c.want {
				t.Errorf("got %q, want %q", strings.Join(got, " "), c.want)
			}
		})
	}
}

func mustRunner(s string) Runner {
	r, err := ParseRunner(s)
	if err != nil {
		panic(err)
	}
	return r
}
