package execution

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDetect(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string // relative to the repository root; migrations are in prisma/migrations
		want  string            // the runner, "" for none
		from  string            // the file the version came from
	}{
		{"exact devDependency", map[string]string{"package.json": `{"devDependencies": {"prisma": "7.8.0"}}`}, "prisma@7.8.0", "package.json"},
		{"caret range means its lowest version", map[string]string{"package.json": `{"devDependencies": {"prisma": "^6.19.0"}}`}, "prisma@6.19.0", "package.json"},
		{"tilde and partial", map[string]string{"package.json": `{"dependencies": {"prisma": "~7.4"}}`}, "prisma@7.4.0", "package.json"},
		{"comparators", map[string]string{"package.json": `{"devDependencies": {"prisma": ">=7.4.0 <8"}}`}, "prisma@7.4.0", "package.json"},
		{"the client when the CLI is absent", map[string]string{"package.json": `{"dependencies": {"@prisma/client": "5.22.0"}}`}, "prisma@5.22.0", "package.json"},
		{"latest is a Prisma of unknown version", map[string]string{"package.json": `{"devDependencies": {"prisma": "latest"}}`}, "prisma", "package.json"},
		{"no Prisma", map[string]string{"package.json": `{"dependencies": {"react": "19.0.0"}}`}, "", ""},
		{"nothing", map[string]string{}, "", ""},
		{"package-lock.json gives the exact version", map[string]string{
			"package.json":      `{"devDependencies": {"prisma": "^7.4.0"}}`,
			"package-lock.json": `{"packages": {"": {}, "node_modules/prisma": {"version": "7.8.1"}}}`}, "prisma@7.8.1", "package-lock.json"},
		{"pnpm-lock.yaml importer", map[string]string{
			"package.json":   `{"devDependencies": {"prisma": "^6.0.0"}}`,
			"pnpm-lock.yaml": "lockfileVersion: '9.0'\nimporters:\n  .:\n    devDependencies:\n      prisma:\n        specifier: ^6.0.0\n        version: 6.19.1(typescript@5.9.3)\n"},
			"prisma@6.19.1", "pnpm-lock.yaml"},
		{"yarn.lock", map[string]string{
			"package.json": `{"devDependencies": {"prisma": "^7.0.0"}}`,
			"yarn.lock":    "\"prisma@npm:^7.0.0\":\n  version: 7.6.0\n  resolution: \"prisma@npm:7.6.0\"\n"}, "prisma@7.6.0", "yarn.lock"},
		{"bun.lock", map[string]string{
			"package.json": `{"devDependencies": {"prisma": "^7.0.0"}}`,
			"bun.lock":     `{"lockfileVersion": 1, "packages": {"prisma": ["prisma@7.9.0", "", {}, "sha512-x"]}}`}, "prisma@7.9.0", "bun.lock"},
		{"pnpm catalog in package.json", map[string]string{
			"package.json": `{"devDependencies": {"prisma": "catalog:"}, "pnpm": {"catalog": {"prisma": "7.7.0"}}}`}, "prisma@7.7.0", "package.json"},
		{"pnpm catalog in pnpm-workspace.yaml", map[string]string{
			"package.json":        `{"devDependencies": {"prisma": "catalog:"}}`,
			"pnpm-workspace.yaml": "packages:\n  - apps/*\ncatalog:\n  prisma: ^6.16.0\n"}, "prisma@6.16.0", "package.json"},
		{"the nearest package.json above the migrations wins", map[string]string{
			"package.json":        `{"devDependencies": {"prisma": "6.0.0"}}`,
			"prisma/package.json": `{"devDependencies": {"prisma": "7.8.0"}}`}, "prisma@7.8.0", "prisma/package.json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
				t.Fatal(err)
			}
			mig := filepath.Join(root, "prisma", "migrations")
			if err := os.MkdirAll(mig, 0o755); err != nil {
				t.Fatal(err)
			}
			for name, text := range c.files {
				if err := os.WriteFile(filepath.Join(root, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			r, err := Detect(mig)
			if err != nil {
				t.Fatal(err)
			}
			if r.String() != c.want {
				t.Fatalf("runner %q, want %q", r.String(), c.want)
			}
			if !strings.Contains(filepath.ToSlash(r.Source), c.from) {
				t.Errorf("source %q, want it to name %s", r.Source, c.from)
			}
		})
	}
}

// TestDetectStopsAtTheRepository: a package.json above the repository root
// is not the project's.
func TestDetectStopsAtTheRepository(t *testing.T) {
	outer := t.TempDir()
	if err := os.WriteFile(filepath.Join(outer, "package.json"), []byte(`{"devDependencies": {"prisma": "7.8.0"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	repo := filepath.Join(outer, "repo")
	mig := filepath.Join(repo, "prisma", "migrations")
	if err := os.MkdirAll(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(mig, 0o755); err != nil {
		t.Fatal(err)
	}
	r, err := Detect(mig)
	if err != nil || r.Kind != Unset {
		t.Errorf("Detect = %+v, %v; want nothing", r, err)
	}
}

func TestDetectBadPackageJSON(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"devDependencies": `), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Detect(dir); err == nil {
		t.Error("a malformed package.json is not an error")
	}
}
