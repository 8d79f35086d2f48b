package lint

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/compat"
	"github.com/migrate-guard/migrate-guard/prismaschema"
	"github.com/migrate-guard/migrate-guard/rules"
)

// The deploy orders (deploy-order in migrate-guard.toml).
const (
	// DeployMigrateFirst: migrations run, then the new release replaces the
	// running one, which must survive them.
	DeployMigrateFirst = "migrate-first"
	// DeployCodeFirst: the new release is deployed first and must run on
	// the schema before the migrations.
	DeployCodeFirst = "code-first"
)

// SetDeployOrder sets deploy-order: migrate-first or code-first.
func (c *Config) SetDeployOrder(s string) error {
	if s != DeployMigrateFirst && s != DeployCodeFirst {
		return fmt.Errorf("%q is not a deploy order (want %s or %s)", s, DeployMigrateFirst, DeployCodeFirst)
	}
	c.DeployOrder = s
	return nil
}

// ReleaseOptions says where the schemas of the two releases come from.
type ReleaseOptions struct {
	BaseSchema string // the running release's schema file or folder (--base-schema)
	BaseRef    string // or a git commit whose schema it is (--base-ref)
	Schema     string // the pull request's schema (--schema); found beside the migrations when ""
	// Migrations are the linted paths; the schema is looked for beside them.
	Migrations []string
}

// LoadRelease reads the schemas of the running release and of the pull
// request. It returns nil when no base is given: release compatibility is
// then not checked. Paths are relative to the current directory.
func LoadRelease(o ReleaseOptions) (*analysis.Release, error) {
	if o.BaseSchema == "" && o.BaseRef == "" {
		return nil, nil
	}
	if o.BaseSchema != "" && o.BaseRef != "" {
		return nil, fmt.Errorf("give --base-schema or --base-ref, not both")
	}
	wt := prismaschema.DirSource(".")
	headPath := filepath.ToSlash(o.Schema)
	if headPath == "" && len(o.Migrations) > 0 {
		// Without it, only schema-without-migration and code-first are not checked.
		headPath, _ = prismaschema.FindNear(wt, migrationsDir(o.Migrations[0]))
	}
	rel := &analysis.Release{}
	var err error
	if headPath != "" {
		rel.Head, err = prismaschema.Load(wt, headPath, "")
		if err = keepSyntaxError(rel, err); err != nil {
			return nil, err
		}
	}
	if o.BaseSchema != "" {
		rel.Base, err = prismaschema.Load(wt, filepath.ToSlash(o.BaseSchema), "")
	} else {
		rel.Base, err = baseAtRef(o, headPath)
	}
	if err = keepSyntaxError(rel, err); err != nil {
		return nil, err
	}
	return rel, nil
}

// keepSyntaxError records a schema that does not parse in rel, to be
// reported as a finding, and returns any other error.
func keepSyntaxError(rel *analysis.Release, err error) error {
	var pe *prismaschema.Error
	if errors.As(err, &pe) {
		rel.Errors = append(rel.Errors, pe)
		return nil
	}
	return err
}

// migrationsDir is the directory of a linted path.
func migrationsDir(p string) string {
	if st, err := os.Stat(p); err == nil && !st.IsDir() {
		p = filepath.Dir(p)
	}
	return filepath.ToSlash(filepath.Clean(p))
}

// baseAtRef reads the schema at the commit: found beside the migrations as
// they were at that commit, else at the pull request's schema path. Errors
// name files as ref:path.
func baseAtRef(o ReleaseOptions, headPath string) (*prismaschema.Schema, error) {
	g := prismaschema.GitSource{Dir: ".", Ref: o.BaseRef}
	prefix, err := g.Prefix()
	if err != nil {
		return nil, fmt.Errorf("--base-ref %s: %w", o.BaseRef, err)
	}
	var p string
	if len(o.Migrations) > 0 {
		p, _ = prismaschema.FindNear(g, path.Join(prefix, migrationsDir(o.Migrations[0])))
	}
	if p == "" && headPath != "" {
		p = path.Join(prefix, headPath)
	}
	if p == "" {
		return nil, fmt.Errorf("--base-ref %s: no Prisma schema found at that commit (name the pull request's with --schema)", o.BaseRef)
	}
	s, err := prismaschema.Load(g, p, o.BaseRef+":")
	if err != nil {
		return nil, fmt.Errorf("--base-ref %s: %w", o.BaseRef, err)
	}
	return s, nil
}

// release returns the Pass's Release for this run, or nil.
func (e *engine) release() *analysis.Release {
	if e.cfg.Release == nil {
		return nil
	}
	r := *e.cfg.Release
	r.CodeFirst = e.cfg.DeployOrder == DeployCodeFirst
	return &r
}

// schemaErrors reports the schemas of the release checks that did not
// parse: a syntax-error finding each, at the file and line.
func (e *engine) schemaErrors() {
	if e.cfg.Release == nil {
		return
	}
	for _, pe := range e.cfg.Release.Errors {
		e.add(Finding{File: pe.File, Line: pe.Line, Column: 1, EndLine: pe.Line, EndColumn: 1, Rule: rules.SyntaxError.ID,
			Message: pe.Msg + " (Prisma Schema Language): release compatibility is not checked against this schema",
			Help:    "Fix the schema so `prisma validate` accepts it."})
	}
}

// checkHead reports what the pull request's schema maps that the replayed
// history does not create: a migration is missing (schema-without-migration).
func (e *engine) checkHead(cat *catalog.Catalog) {
	if e.cfg.Release == nil || e.cfg.Release.Head == nil {
		return
	}
	for _, p := range compat.Problems(e.cfg.Release.Head, cat) {
		if p.Kind == compat.Required {
			continue // the history has a column the schema does not write: fine here
		}
		e.checks.now(Finding{File: p.File, Line: p.Line, Column: 1, EndLine: p.Line, EndColumn: 1,
			Rule: rules.SchemaWithoutMigration.ID, Message: rules.MissingMigration(p),
			Help: "Run `prisma migrate dev` to generate the migration that creates it, and commit it with the schema " +
				"change; `prisma migrate diff --from-migrations <dir> --to-schema-datamodel <schema> --script` shows the SQL."})
	}
}
