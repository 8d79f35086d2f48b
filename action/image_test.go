package action_test

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd  string // upper case
	args string
}

// stage is one FROM and what follows it.
type stage struct {
	image, name string
	body        []instruction
}

// parseDockerfile reads the instructions of a Dockerfile into stages.
func parseDockerfile(t *testing.T, path string) []stage {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var stages []stage
	var cur strings.Builder
	flush := func() {
		line := strings.TrimSpace(cur.String())
		cur.Reset()
		if line == "" {
			return
		}
		cmd, args, _ := strings.Cut(line, " ")
		in := instruction{strings.ToUpper(cmd), strings.TrimSpace(args)}
		if in.cmd == "FROM" {
			f := strings.Fields(in.args)
			s := stage{image: f[0]}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				s.name = f[2]
			}
			stages = append(stages, s)
			return
		}
		if len(stages) == 0 {
			t.Fatalf("%s before the first FROM", in.cmd)
		}
		stages[len(stages)-1].body = append(stages[len(stages)-1].body, in)
	}
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			cur.WriteString(strings.TrimSuffix(line, "\\") + " ")
			continue
		}
		cur.WriteString(line)
		flush()
	}
	flush()
	return stages
}

func find(s stage, cmd string) []instruction {
	var out []instruction
	for _, in := range s.body {
		if in.cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

// TestDockerfile checks the image the action runs: a Go build stage that
// builds with scripts/build, and a minimal final stage that holds only the
// binary, runs it as the entrypoint with no arguments (so that it starts in
// action mode), and does not set USER, which container actions must not.
func TestDockerfile(t *testing.T) {
	stages := parseDockerfile(t, "../Dockerfile")
	if len(stages) != 2 {
		t.Fatalf("%d stages, want a build stage and a final stage", len(stages))
	}
	build, final := stages[0], stages[1]
	if build.image != "golang:1.26-bookworm" || build.name != "build" {
		t.Errorf("build stage FROM %s AS %s, want golang:1.26-bookworm AS build", build.image, build.name)
	}
	runs := find(build, "RUN")
	built := false
	for _, r := range runs {
		built = built || strings.Contains(r.args, "./scripts/build /out/migrate-guard")
	}
	if !built {
		t.Errorf("the build stage does not build with scripts/build: %v", runs)
	}
	if final.image != "gcr.io/distroless/static-debian12" && final.image != "scratch" {
		t.Errorf("final stage FROM %s, want gcr.io/distroless/static-debian12 or scratch", final.image)
	}
	if cp := find(final, "COPY"); len(cp) != 1 || cp[0].args != "--from=build /out/migrate-guard /migrate-guard" {
		t.Errorf("final stage COPY %v, want only the binary from the build stage", cp)
	}
	ep := find(final, "ENTRYPOINT")
	var argv []string
	if len(ep) != 1 || json.Unmarshal([]byte(ep[0].args), &argv) != nil || len(argv) != 1 || argv[0] != "/migrate-guard" {
		t.Errorf(`ENTRYPOINT %v, want the exec form ["/migrate-guard"]`, ep)
	}
	for _, s := range stages {
		for _, cmd := range []string{"USER", "CMD"} {
			if len(find(s, cmd)) > 0 && (cmd == "USER" || s.image == final.image) {
				t.Errorf("stage %s sets %s (container actions run as root; arguments would leave action mode)", s.image, cmd)
			}
		}
	}
}

// TestBuildScript checks the one build command: a static cgo build that the
// Dockerfile and CI both run.
func TestBuildScript(t *testing.T) {
	data, err := os.ReadFile("../scripts/build")
	if err != nil {
		t.Fatal(err)
	}
	script := string(data)
	for _, want := range []string{"CGO_ENABLED=1 go build -trimpath", "-tags netgo,osusergo", "-s -w", "-linkmode external", `-extldflags \"-static\"`, "cli.Version="} {
		if !strings.Contains(script, want) {
			t.Errorf("scripts/build lacks %q", want)
		}
	}
	if info, err := os.Stat("../scripts/build"); err != nil || info.Mode()&0o111 == 0 {
		t.Error("scripts/build is not executable")
	}
	ci, err := os.ReadFile("../.ci/run")
	if err != nil || !strings.Contains(string(ci), "./scripts/build bin/migrate-guard") || !strings.Contains(string(ci), "bin/migrate-guard version") {
		t.Errorf(".ci/run does not build with scripts/build and run the binary's version")
	}
}

// TestActionYML checks action.yml declares a Docker action built from the
// Dockerfile, every input with a description and a default, the outputs
// the binary sets, and branding.
func TestActionYML(t *testing.T) {
	data, err := os.ReadFile("../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	defaults := actionDefaults(t)
	inputs := []string{"command", "migrations-dir", "database-url", "config", "pg-version", "deployed-by", "fail-on", "only-changed",
		"comment", "github-token", "sarif-file", "lock-timeout", "statement-timeout", "lock-wait", "retries"}
	if len(defaults) != len(inputs) {
		t.Errorf("action.yml declares %d inputs with defaults, want %d: %v", len(defaults), len(inputs), defaults)
	}
	for _, in := range inputs {
		if _, ok := defaults[in]; !ok {
			t.Errorf("input %s has no default", in)
		}
		if !strings.Contains(text, "\n  "+in+":\n    description: ") {
			t.Errorf("input %s is not declared with a description", in)
		}
	}
	want := map[string]string{"command": "lint", "migrations-dir": "prisma/migrations", "only-changed": "true", "comment": "true",
		"github-token": "${{ github.token }}", "database-url": "", "sarif-file": ""}
	for k, v := range want {
		if defaults[k] != v {
			t.Errorf("input %s defaults to %q, want %q", k, defaults[k], v)
		}
	}
	for _, out := range []string{"findings", "errors", "warnings", "applied", "pending", "report-json"} {
		if !strings.Contains(text, "\n  "+out+":\n    description: ") {
			t.Errorf("output %s is not declared with a description", out)
		}
	}
	for _, want := range []string{"\nruns:\n  using: docker\n  image: Dockerfile\n", "\nbranding:\n  icon: ", "\n  color: "} {
		if !strings.Contains(text, want) {
			t.Errorf("action.yml lacks %q", want)
		}
	}
}
