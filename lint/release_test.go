package lint

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func gitRun(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

const releaseDS = "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n"

// TestLoadReleaseBaseRef reads the base schema at a commit where it was a
// single file, while the working tree has moved to a prisma/schema folder.
func TestLoadReleaseBaseRef(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("SKIPPED: no git")
	}
	repo := t.TempDir()
	gitRun(t, repo, "init", "-q")
	writeFile(t, filepath.Join(repo, "app/prisma/schema.prisma"), releaseDS+"model User {\n  id Int @id\n  name String\n}\n")
	writeFile(t, filepath.Join(repo, "app/prisma/migrations/20240101000000_init/migration.sql"), `CREATE TABLE "User" ("id" INT PRIMARY KEY, "name" TEXT NOT NULL);`)
	gitRun(t, repo, "add", "-A")
	gitRun(t, repo, "commit", "-qm", "base")
	base := gitRun(t, repo, "rev-parse", "HEAD")
	gitRun(t, repo, "rm", "-q", "app/prisma/schema.prisma")
	writeFile(t, filepath.Join(repo, "app/prisma/schema/main.prisma"), releaseDS)
	writeFile(t, filepath.Join(repo, "app/prisma/schema/user.prisma"), "model User {\n  id Int @id\n}\n")

	wd, _ := os.Getwd()
	if err := os.Chdir(filepath.Join(repo, "app")); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	rel, err := LoadRelease(ReleaseOptions{BaseRef: base, Migrations: []string{"prisma/migrations"}})
	if err != nil {
		t.Fatal(err)
	}
	if u := rel.Base.Model("User"); u == nil || u.Field("name") == nil || u.File != base+":app/prisma/schema.prisma" {
		t.Errorf("base: %+v", rel.Base.Models)
	}
	if u := rel.Head.Model("User"); u == nil || u.Field("name") != nil || u.File != "prisma/schema/user.prisma" {
		t.Errorf("head: %+v", rel.Head.Models)
	}
	if _, err := LoadRelease(ReleaseOptions{BaseRef: "no-such-ref", Migrations: []string{"prisma/migrations"}}); err == nil {
		t.Error("an unknown ref is not an error")
	}
	if _, err := LoadRelease(ReleaseOptions{BaseRef: base, BaseSchema: "x.prisma"}); err == nil {
		t.Error("both --base-ref and --base-schema are accepted")
	}
}

// TestLoadReleaseSyntaxError: a broken base schema is a syntax-error
// finding at its file and line, and the release is not checked against it.
func TestLoadReleaseSyntaxError(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "base.prisma")
	writeFile(t, p, releaseDS+"model User {\n  id Int @id\n  name String @default(\n}\n")
	rel, err := LoadRelease(ReleaseOptions{BaseSchema: p})
	if err != nil || rel.Base != nil || len(rel.Errors) != 1 {
		t.Fatalf("LoadRelease: %+v, %v; want the error kept and no base", rel, err)
	}
	cfg := DefaultConfig()
	cfg.Release = rel
	res, err := RunText(nil, Text{Path: "migration.sql", SQL: []byte(`ALTER TABLE "User" DROP COLUMN "name";`)}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		if f.Rule == "syntax-error" || strings.HasPrefix(f.Rule, "release-") {
			got = append(got, fmt.Sprintf("%s %s:%d", f.Rule, f.File, f.Line))
		}
	}
	if want := "syntax-error " + p + ":8"; strings.Join(got, ",") != want {
		t.Errorf("findings %v, want %s", got, want)
	}
}

func TestDeployOrderConfig(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, ConfigFile)
	writeFile(t, p, "deploy-order = \"code-first\"\n")
	cfg, err := LoadConfig(p)
	if err != nil || cfg.DeployOrder != DeployCodeFirst {
		t.Fatalf("deploy-order: %v %v", cfg, err)
	}
	writeFile(t, p, "deploy-order = \"sideways\"\n")
	if _, err := LoadConfig(p); err == nil || !strings.Contains(err.Error(), "deploy-order") {
		t.Errorf("bad deploy-order: %v", err)
	}
	if DefaultConfig().DeployOrder != DeployMigrateFirst {
		t.Error("the default deploy order is not migrate-first")
	}
}

// TestReleaseMultiFile: the release checks read multi-file schemas (a
// prisma/schema folder) as one: a model of one file whose enum is in
// another, and schema-without-migration names the file that declares the
// field.
func TestReleaseMultiFile(t *testing.T) {
	dir := t.TempDir()
	for side, user := range map[string]string{
		"base": "model User {\n  id   Int  @id\n  name String\n  role Role\n}\n",
		"head": "model User {\n  id   Int  @id\n  role Role\n  slug String\n}\n",
	} {
		writeFile(t, filepath.Join(dir, side, "main.prisma"), releaseDS)
		writeFile(t, filepath.Join(dir, side, "user.prisma"), user)
		writeFile(t, filepath.Join(dir, side, "enums.prisma"), "enum Role {\n  USER\n  ADMIN @map(\"admin\")\n}\n")
	}
	rel, err := LoadRelease(ReleaseOptions{BaseSchema: filepath.Join(dir, "base"), Schema: filepath.Join(dir, "head")})
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Release = rel
	history := []Text{{Path: "init.sql", SQL: []byte(`CREATE TYPE "Role" AS ENUM ('USER', 'admin');
CREATE TABLE "User" ("id" INT PRIMARY KEY, "name" TEXT NOT NULL, "role" "Role" NOT NULL);`)}}
	res, err := RunText(history, Text{Path: "migration.sql", SQL: []byte(`ALTER TABLE "User" DROP COLUMN "name";
ALTER TYPE "Role" RENAME VALUE 'admin' TO 'ADMIN';`)}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		if strings.HasPrefix(f.Rule, "release-") || f.Rule == "schema-without-migration" {
			got = append(got, fmt.Sprintf("%s %s:%d", f.Rule, filepath.Base(f.File), f.Line))
		}
	}
	// The head still maps ADMIN to "admin", which the rename took away.
	want := "release-column-removed migration.sql:1 release-enum-value-removed migration.sql:2 schema-without-migration user.prisma:4 " +
		"schema-without-migration enums.prisma:3"
	if strings.Join(got, " ") != want {
		t.Errorf("findings %v, want %s", got, want)
	}
}
