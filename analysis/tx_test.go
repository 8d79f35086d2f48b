package analysis

import (
	"fmt"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/sqlfile"
)

func TestTransactions(t *testing.T) {
	cases := []struct {
		name, sql string
		want      string // per statement: "-" outside a transaction, else its ID, "e" marks explicit
	}{
		{"single statement", "CREATE INDEX CONCURRENTLY i ON t (a);", "-"},
		{"implicit", "CREATE TABLE a (id int); CREATE TABLE b (id int);", "0 0"},
		{"statements before BEGIN join it", "UPDATE t SET a = 1; BEGIN; ALTER TABLE t ADD b int; COMMIT; SELECT 1;", "0 0e 0e 0e 1"},
		{"two blocks", "BEGIN; SELECT 1; COMMIT; BEGIN; SELECT 2; COMMIT;", "0e 0e 0e 1e 1e 1e"},
		{"goose no transaction", "-- +goose NO TRANSACTION\nSELECT 1; BEGIN; SELECT 2; COMMIT; SELECT 3;", "- 1e 1e 1e -"},
		{"a DO block alone is one transaction", "DO $$ BEGIN ALTER TABLE t ADD b int; ALTER TABLE t ADD c int; END $$;", "0 0"},
		{"a DO block is one statement of the file", "DO $$ BEGIN ALTER TABLE t ADD b int; END $$; SELECT 1;", "0 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := sqlfile.Parse("m.sql", []byte(c.sql))
			if err != nil {
				t.Fatal(err)
			}
			f.ExpandBlocks()
			var got []string
			for _, tx := range Transactions(f) {
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
