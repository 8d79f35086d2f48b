package action_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// prismaSchema is the app of initSQL and bioSQL; withBio says whether it
// still maps User.bio.
func prismaSchema(withBio bool) string {
	bio := ""
	if withBio {
		bio = "  bio       String?\n"
	}
	return "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n\nmodel User {\n" +
		"  id        Int      @id @default(autoincrement())\n  email     String\n" + bio +
		"  createdAt DateTime @default(now())\n}\n"
}

// TestReleaseFromContentsAPI: the checkout has no base commit, so the
// running release's schema.prisma is read at the base SHA through the
// contents API; a drop of a column it maps is reported, the contract step
// is clean, and the summary says which.
func TestReleaseFromContentsAPI(t *testing.T) {
	const dropDir = "20240401000000_drop_bio"
	dropSQL := "-- AlterTable\nALTER TABLE \"User\" DROP COLUMN \"bio\";\n"
	for _, c := range []struct {
		name      string
		baseBio   bool
		wantCode  int
		wantRules []string
	}{
		{"the base still maps the column", true, 1, []string{"release-column-removed", "drop-column"}},
		{"contract step", false, 0, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			repo := newRepo(t, map[string]string{initDir: initSQL, bioDir: bioSQL, dropDir: dropSQL},
				"release-column-removed = \"error\"\ndrop-column = \"error\"\n")
			write(t, filepath.Join(repo, "prisma", "schema.prisma"), prismaSchema(false))
			gh := newFakeGitHub(t)
			gh.contents = map[string]string{"prisma/schema.prisma": prismaSchema(c.baseBio)}
			gh.setFiles(file("modified", "prisma/schema.prisma"), file("added", migration(dropDir)))
			r := run(t, ghEnv{repo: repo, gh: gh})
			wantCode(t, r, c.wantCode)
			for _, id := range c.wantRules {
				if !strings.Contains(r.annotations(), id) {
					t.Errorf("no %s finding:\n%s", id, r.annotations())
				}
			}
			if len(c.wantRules) == 0 && strings.Contains(r.annotations(), "::error") {
				t.Errorf("the contract step is reported:\n%s", r.annotations())
			}
			if !strings.Contains(r.summary, "Release compatibility was checked against the schema.prisma of the base commit 1111111.") {
				t.Errorf("summary:\n%s", r.summary)
			}
			if gh.calls("GET "+repoPath+"/contents/prisma/schema.prisma") == 0 {
				t.Error("the base schema was not read through the contents API")
			}
		})
	}
}

// TestReleaseNotChecked: without a schema.prisma, the summary says that
// release compatibility was not checked, and the API is not asked.
func TestReleaseNotChecked(t *testing.T) {
	repo := newRepo(t, map[string]string{initDir: initSQL, bioDir: bioSQL, handleDir: cleanSQL}, "")
	gh := newFakeGitHub(t)
	gh.setFiles(file("added", migration(handleDir)))
	r := run(t, ghEnv{repo: repo, gh: gh})
	wantCode(t, r, 0)
	if !strings.Contains(r.summary, "Release compatibility was not checked: no schema.prisma found beside the migrations.") {
		t.Errorf("summary:\n%s", r.summary)
	}
	if n := gh.calls("GET " + repoPath + "/contents/"); n != 0 {
		t.Errorf("%d contents API calls without a schema", n)
	}
}
