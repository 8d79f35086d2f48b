package sqlfile

import (
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
)

// goose reads the annotations of goose migrations (`-- +goose Up`,
// `-- +goose Down`, `-- +goose NO TRANSACTION`): only the Up section is
// parsed, since the Down section runs only on rollback, and a
// NO TRANSACTION file runs each statement on its own.
func (f *File) goose() {
	for _, t := range f.tokens {
		if t.Token != pg.Token_SQL_COMMENT {
			continue
		}
		fields := strings.Fields(strings.TrimPrefix(f.Src[t.Start:t.End], "--"))
		if len(fields) < 2 || fields[0] != "+goose" {
			continue
		}
		switch strings.ToLower(strings.Join(fields[1:], " ")) {
		case "down":
			f.body = f.Src[:t.Start]
			return
		case "no transaction":
			f.NoTransaction = true
		}
	}
}

// atlas reads Atlas's `-- atlas:txmode none` directive, which runs the file
// without a transaction.
func (f *File) atlas() {
	for _, t := range f.tokens {
		if t.Token != pg.Token_SQL_COMMENT {
			continue
		}
		fields := strings.Fields(strings.TrimPrefix(f.Src[t.Start:t.End], "--"))
		if len(fields) == 2 && fields[0] == "atlas:txmode" && fields[1] == "none" {
			f.NoTransaction = true
		}
	}
}
