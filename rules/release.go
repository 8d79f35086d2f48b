package rules

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/compat"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// expandContractDoc links the release rules' pages to the page on the
// release sequence; expandContractHelp names it in findings.
const (
	expandContractDoc  = "See [Expand-contract with Prisma](../expand-contract.md) for the release sequence and what each check enforces."
	expandContractHelp = "The release sequence is in migrate-guard's docs/expand-contract.md."
)

// releaseProblem is a problem of a release's client that a statement of
// the file causes (migrate-first) or that the new release meets until the
// statement runs (code-first).
type releaseProblem struct {
	compat.Problem
	Stmt      int
	CodeFirst bool
}

// releaseProblems returns, for the current file, what the release rules
// report. With deploy-order = migrate-first the client is the running
// release's (Release.Base): a problem is reported at the statement that
// causes it, when the schema before the file did not have it and the
// schema after the file still has it, so a column renamed and renamed back
// is fine. With code-first the client is the pull request's (Release.Head),
// which runs before the migrations: a problem it has on the schema before
// the file is reported at the statement that removes it.
func releaseProblems(p *analysis.Pass) []releaseProblem {
	rel := p.Release
	if rel == nil || rel.CodeFirst && rel.Head == nil || !rel.CodeFirst && rel.Base == nil {
		return nil
	}
	return releaseProblemsResult.Of(p)
}

// releaseProblemsResult compares the client with the schema before and
// after each statement of the file; releaseProblems says when it applies.
var releaseProblemsResult = analysis.NewResult("release problems of each statement", func(p *analysis.Pass) []releaseProblem {
	rel := p.Release
	client := rel.Base
	if rel.CodeFirst {
		client = rel.Head
	}
	n := len(p.File.Stmts)
	lists := make([][]compat.Problem, n+1)
	sets := make([]map[compat.Problem]bool, n+1)
	for i := range lists {
		lists[i] = compat.Problems(client, p.SchemaAt(i))
		sets[i] = map[compat.Problem]bool{}
		for _, pr := range lists[i] {
			sets[i][pr] = true
		}
	}
	// A table or enum type the client already lacked before the file is
	// drift, not this migration's doing: what the file creates under
	// that name is not compared with the client either.
	absent := map[catalog.Name]bool{}
	for _, pr := range lists[0] {
		if pr.Kind == compat.MissingTable || pr.Kind == compat.MissingEnum {
			absent[pr.Table] = true
		}
	}
	var out []releaseProblem
	for i := 0; i < n; i++ {
		if rel.CodeFirst {
			for _, pr := range lists[i] {
				if !sets[i+1][pr] && sets[0][pr] && !sets[n][pr] {
					out = append(out, releaseProblem{pr, i, true})
				}
			}
			continue
		}
		for _, pr := range lists[i+1] {
			if !sets[i][pr] && sets[n][pr] && !sets[0][pr] && !absent[pr.Table] {
				out = append(out, releaseProblem{pr, i, false})
			}
		}
	}
	return dropSecondary(out)
})

// dropSecondary leaves out the consequences of a problem the same statement
// causes: the required columns of a table whose queries already fail (a
// column renamed to a NOT NULL name the client does not know fails its
// inserts with 42703 before 23502), and the columns of an enum type renamed
// away.
func dropSecondary(ps []releaseProblem) []releaseProblem {
	broken := map[int]map[catalog.Name]bool{}
	gone := map[int]map[string]bool{} // enum types missing after the statement
	for _, rp := range ps {
		if rp.Kind == compat.MissingEnum {
			if gone[rp.Stmt] == nil {
				gone[rp.Stmt] = map[string]bool{}
			}
			gone[rp.Stmt][rp.Table.String()] = true
		}
		if rp.Kind == compat.MissingColumn || rp.Kind == compat.MissingTable {
			if broken[rp.Stmt] == nil {
				broken[rp.Stmt] = map[catalog.Name]bool{}
			}
			broken[rp.Stmt][rp.Table] = true
		}
	}
	out := ps[:0]
	for _, rp := range ps {
		switch {
		case rp.Kind == compat.Required && broken[rp.Stmt][rp.Table]:
		case rp.Kind == compat.TypeMismatch && gone[rp.Stmt][rp.Want]: // the columns of a renamed enum type
		default:
			out = append(out, rp)
		}
	}
	return out
}

// releaseFindings returns the problems of the given kinds that the current
// statement causes.
func releaseFindings(p *analysis.Pass, kinds ...compat.Kind) []releaseProblem {
	var out []releaseProblem
	for _, rp := range releaseProblems(p) {
		if rp.Stmt != p.Stmt.Index {
			continue
		}
		for _, k := range kinds {
			if rp.Kind == k {
				out = append(out, rp)
			}
		}
	}
	return out
}

// problemSpan is the last clause of the current statement about the
// problem's column (the ADD of a column dropped and added again), or the
// whole statement.
func problemSpan(p *analysis.Pass, pr compat.Problem) sqlfile.Span {
	sp := p.StmtSpan()
	for _, c := range alterCmds(p) {
		if c.Table == pr.Table && cmdColumn(c.Cmd) == pr.Column {
			sp = c.Span
		}
	}
	return sp
}

// cmdColumn is the column an ALTER TABLE clause acts on.
func cmdColumn(cmd *pg.AlterTableCmd) string {
	if d := cmd.Def.GetColumnDef(); d != nil && d.Colname != "" {
		return d.Colname
	}
	return cmd.Name
}

// baseMaps reports whether the running release's client reads the column
// of the table; ok is false when no base schema is known. drop-column,
// drop-table and drop-add-rename leave a contract step (the base no longer
// maps what is dropped) unreported.
func baseMaps(p *analysis.Pass, table catalog.Name, column string) (maps, ok bool) {
	if p.Release == nil || p.Release.Base == nil || p.Release.CodeFirst {
		return false, false
	}
	for _, m := range p.Release.Base.Models {
		if m.Ignored || compat.Table(m) != table {
			continue
		}
		if column == "" {
			return true, true
		}
		for _, f := range m.Fields {
			if f.Read() && f.Column() == column {
				return true, true
			}
		}
	}
	return false, true
}

// releaseName says which release's client a finding is about.
func releaseName(rp releaseProblem) string {
	if rp.CodeFirst {
		return "the new release (deploy-order = \"code-first\": it is deployed before this migration runs)"
	}
	return "the running release (its schema.prisma, the base)"
}

// fieldName is Model.field as written in schema.prisma.
func fieldName(pr compat.Problem) string {
	if pr.Field == "" {
		return pr.Model
	}
	return pr.Model + "." + pr.Field
}

// exampleBase is the running release's schema.prisma that the release
// rules' examples are checked against: the app of ruledoc.History, with
// Post.content already removed from the schema (the expand step of its drop).
const exampleBase = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id        Int      @id @default(autoincrement())
  email     String   @unique
  name      String?  @db.VarChar(100)
  role      Role     @default(USER)
  createdAt DateTime @default(now())
  posts     Post[]
}

model Post {
  id        Int     @id @default(autoincrement())
  title     String  @db.VarChar(255)
  published Boolean @default(false)
  author    User    @relation(fields: [authorId], references: [id])
  authorId  Int
  views     Int     @default(0)
}

enum Role {
  USER
  ADMIN
}
`
