package sqlfile

import "testing"

func TestGoose(t *testing.T) {
	cases := []struct {
		name  string
		src   string
		stmts int
		noTx  bool
	}{
		{"down section ignored", "-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\nDROP TABLE a;\n", 1, false},
		{"up without final semicolon", "-- +goose Up\nCREATE TABLE a (id int)\n\n-- +goose Down\nDROP TABLE a;\n", 1, false},
		{"statement blocks", "-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n-- +goose StatementEnd\n", 1, false},
		{"no transaction", "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON a (id);\nCREATE INDEX CONCURRENTLY j ON a (id);\n", 2, true},
		{"not goose", "-- goose Down\nCREATE TABLE a (id int);\n", 1, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse("m.sql", []byte(c.src))
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Errors) > 0 {
				t.Fatalf("syntax errors: %v", f.Errors[0].Message)
			}
			if len(f.Stmts) != c.stmts || f.NoTransaction != c.noTx {
				t.Errorf("got %d statements, NoTransaction=%v; want %d, %v", len(f.Stmts), f.NoTransaction, c.stmts, c.noTx)
			}
		})
	}
}
