package prismaschema

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const mapped = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
  schemas  = ["public", "auth"]
}

generator client {
  provider        = "prisma-client-js"
  previewFeatures = ["multiSchema"]
}

/// A person who signs in.
model User {
  id        String   @id @default(cuid()) @db.Uuid
  email     String   @unique @map("email_address") @db.VarChar(255)
  name      String?
  role      Role     @default(MEMBER)
  legacy    String   @ignore
  search    Unsupported("tsvector")?
  createdAt DateTime @default(now()) @db.Timestamptz(6)
  updatedAt DateTime @updatedAt @map("updated_at")
  tenantId  Int
  posts     Post[]   // relation: no column

  @@index([email(sort: Desc), name], map: "user_email_idx")
  @@map("users")
  @@schema("auth")
}

model Post {
  id       Int    @id @default(autoincrement())
  authorId String
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
  tags     String[]

  @@schema("public")
}

model Legacy {
  id Int @id
  @@ignore
  @@schema("public")
}

enum Role {
  MEMBER @map("member")
  ADMIN

  @@map("user_role")
  @@schema("auth")
}
`

func TestMapping(t *testing.T) {
	s, err := ParseFile("schema.prisma", []byte(mapped))
	if err != nil {
		t.Fatal(err)
	}
	u := s.Model("User")
	if u == nil || u.Table() != "users" || u.TableSchema() != "auth" || u.Line != 13 {
		t.Fatalf("User: %+v", u)
	}
	cases := []struct {
		field              string
		column             string
		read, supply, wrot bool
		native             string
	}{
		{"id", "id", true, false, true, "Uuid"},
		{"email", "email_address", true, true, true, "VarChar"},
		{"name", "name", true, false, false, ""},
		{"role", "role", true, false, false, ""},
		{"legacy", "legacy", false, false, false, ""},
		{"search", "search", false, false, false, ""},
		{"createdAt", "createdAt", true, false, false, "Timestamptz"},
		{"updatedAt", "updated_at", true, false, true, ""},
		{"tenantId", "tenantId", true, true, true, ""},
		{"posts", "posts", false, false, false, ""},
	}
	for _, c := range cases {
		f := u.Field(c.field)
		if f == nil {
			t.Fatalf("no field %s", c.field)
		}
		if f.Column() != c.column || f.Read() != c.read || f.MustSupply() != c.supply || f.AlwaysWritten() != c.wrot || f.NativeType != c.native {
			t.Errorf("%s: column %q read %v supply %v written %v native %q; want %q %v %v %v %q", c.field,
				f.Column(), f.Read(), f.MustSupply(), f.AlwaysWritten(), f.NativeType, c.column, c.read, c.supply, c.wrot, c.native)
		}
	}
	if f := u.Field("email"); strings.Join(f.NativeArgs, ",") != "255" {
		t.Errorf("email native args %v", f.NativeArgs)
	}
	if f := s.Model("Post").Field("tags"); f.MustSupply() || !f.List {
		t.Errorf("a list is never required on insert: %+v", f)
	}
	if l := s.Model("Legacy"); !l.Ignored || l.Fields[0].Read() {
		t.Errorf("@@ignore: the client reads no field of Legacy")
	}
	r := s.Enum("Role")
	if r.TypeName() != "user_role" || r.TypeSchema() != "auth" || r.Values[0].Value() != "member" || r.Values[1].Value() != "ADMIN" {
		t.Errorf("Role: %+v", r)
	}
	if s.Provider != "postgresql" {
		t.Errorf("provider %q", s.Provider)
	}
}

func TestSyntaxErrors(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"unclosed block", "model A {\n  id Int @id\n", "s.prisma:3: model A is not closed with }"},
		{"no type", "model A {\n  id\n}\n", "s.prisma:2: field id has no type"},
		{"bad attribute", "model A {\n  id Int @id @default(\n}\n", "s.prisma:3: expected a value"},
		{"unknown block", "modle A {\n}\n", "s.prisma:1: expected a block"},
		{"unknown type", "model A {\n  id Int @id\n  b Strin\n}\n", "s.prisma:3: type Strin of field A.b"},
		{"unclosed string", "model A {\n  id Int @map(\"x)\n}\n", "s.prisma:2: string is not closed"},
		{"duplicate model", "model A {\n  id Int @id\n}\nmodel A {\n  id Int @id\n}\n", "s.prisma:4: model A is already defined at s.prisma:1"},
		{"duplicate field", "model A {\n  id Int @id\n  id Int\n}\n", "s.prisma:3: field id is defined twice"},
		{"two modifiers", "model A {\n  id Int[]?\n}\n", "s.prisma:2: field id: a type takes one modifier"},
		{"stray character", "model A {\n  id Int # x\n}\n", "s.prisma:2: unexpected character '#'"},
		{"unclosed block comment", "/* x\n\nmodel A {}", "s.prisma:1: comment /* is not closed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseFile("s.prisma", []byte(c.src))
			var pe *Error
			if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("error %v, want one starting %q", err, c.want)
			}
		})
	}
}

func TestCommentsAndLines(t *testing.T) {
	src := "// header\n/* block\n comment */\nmodel A { // trailing\n  /// doc\n  id Int @id\n  b  String @default(\"a // not a comment\")\n}\n"
	s, err := ParseFile("s.prisma", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	a := s.Model("A")
	if a.Line != 4 || a.Fields[0].Line != 6 || a.Fields[1].Default != "a // not a comment" {
		t.Errorf("lines %d %d, default %q", a.Line, a.Fields[0].Line, a.Fields[1].Default)
	}
	if doc := s.Blocks[0].Fields[0].Doc; doc != "doc" {
		t.Errorf("doc %q", doc)
	}
}

// writeTree writes files (path: text) under a temporary directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, text := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const ds = "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n"

func TestMultiFileAndLocate(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"prisma folder", map[string]string{
			"prisma/schema/base.prisma":        ds,
			"prisma/schema/models/user.prisma": "model User {\n  id Int @id\n  role Role\n}\n",
			"prisma/schema/enums.prisma":       "enum Role {\n  A\n}\n",
		}, "prisma/schema"},
		{"prisma.config.ts", map[string]string{
			"prisma.config.ts":     "import { defineConfig } from \"prisma/config\";\n// schema: \"wrong\"\nexport default defineConfig({\n  schema: 'db/schema',\n});\n",
			"db/schema/a.prisma":   ds + "model User {\n  id Int @id\n  role Role\n}\n",
			"db/schema/b.prisma":   "enum Role {\n  A\n}\n",
			"prisma/schema.prisma": "not read",
		}, "db/schema"},
		{"package.json", map[string]string{
			"package.json":         `{"name": "app", "prisma": {"schema": "src/db.prisma"}}`,
			"src/db.prisma":        ds + "model User {\n  id Int @id\n  role Role\n}\nenum Role {\n  A\n}\n",
			"prisma/schema.prisma": "not read",
		}, "src/db.prisma"},
		{"default", map[string]string{
			"package.json":         `{"name": "app"}`,
			"prisma/schema.prisma": ds + "model User {\n  id Int @id\n  role Role\n}\nenum Role {\n  A\n}\n",
		}, "prisma/schema.prisma"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := DirSource(writeTree(t, c.files))
			p, err := Locate(src, ".")
			if err != nil || p != c.want {
				t.Fatalf("Locate = %q, %v; want %q", p, err, c.want)
			}
			s, err := Load(src, p, "")
			if err != nil {
				t.Fatal(err)
			}
			if u := s.Model("User"); u == nil || u.Field("role").Kind != EnumField || s.Provider != "postgresql" {
				t.Errorf("models and enums of all files are one schema: %+v", s.Models)
			}
		})
	}
}

func TestMultiFileErrorNamesFile(t *testing.T) {
	src := DirSource(writeTree(t, map[string]string{
		"schema/a.prisma": ds,
		"schema/b.prisma": "model A {\n  id Int @id\n  x Nope\n}\n",
	}))
	_, err := Load(src, "schema", "app/")
	if err == nil || err.Error() != "app/schema/b.prisma:3: type Nope of field A.x is neither a built-in type nor a model, enum or type of the schema" {
		t.Errorf("error %v", err)
	}
	if _, err := Locate(DirSource(t.TempDir()), "."); err == nil {
		t.Error("Locate finds a schema in an empty project")
	}
}

func FuzzParse(f *testing.F) {
	f.Add(mapped)
	f.Add("model A {\n  id Int @id @default(autoincrement())\n  @@map(\"a\")\n}\n")
	f.Add("enum E {\n  A @map(\"a\")\n}\n/* c */ view V {\n  id Int @unique\n}\n")
	f.Add("type T {\n  a String\n}\nmodel M {\n  id Int @id\n  t T?\n  @@index([a(sort: Desc)], type: Gin)\n}\n")
	f.Fuzz(func(t *testing.T, src string) {
		s, err := ParseFile("f.prisma", []byte(src))
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		for _, m := range s.Models {
			for _, fd := range m.Fields {
				_ = fd.AlwaysWritten()
			}
		}
	})
}

// TestViews: a view block is a model marked View, mapped and read like one.
func TestViews(t *testing.T) {
	s, err := ParseFile("s.prisma", []byte("view PostStats {\n  id    Int    @unique\n  email String @map(\"author_email\")\n  note  String? @ignore\n\n  @@map(\"post_stats\")\n  @@schema(\"auth\")\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	v := s.Model("PostStats")
	if v == nil || !v.View || v.Table() != "post_stats" || v.TableSchema() != "auth" {
		t.Fatalf("view: %+v", v)
	}
	if f := v.Field("email"); f.Column() != "author_email" || !f.Read() {
		t.Errorf("email: column %q read %v", f.Column(), f.Read())
	}
	if v.Field("note").Read() {
		t.Errorf("@ignore: the client does not select note")
	}
}
