package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestImports holds the packages to ARCHITECTURE.md: each imports no more of
// this module than its row there allows (store nothing, views only store…).
func TestImports(t *testing.T) {
	const mod = "github.com/tableside/tableside/"
	allowed := map[string][]string{
		"store":                                  nil,
		"store/storetest":                        {"store"},
		"static":                                 nil,
		"views":                                  {"store"},
		"handlers":                               {"store", "views", "static"},
		"handlers/browsertest":                   nil,
		"cmd/tableside/internal/mailer":          nil,
		"cmd/tableside/internal/mailer/mailtest": nil,
		"cmd/tableside/internal/digest":          {"store", "views", "static", "cmd/tableside/internal/mailer"},
		"cmd/tableside/internal/notify":          {"store", "views", "cmd/tableside/internal/mailer"},
		"cmd/tableside": {"handlers", "store", "static", "cmd/tableside/internal/digest", "cmd/tableside/internal/notify",
			"cmd/tableside/internal/mailer"},
		"cmd/tableside-load": {"store"},
	}
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}:{{join .Imports " "}}`, mod+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ":")
		pkg = strings.TrimPrefix(pkg, mod)
		rule, ok := allowed[pkg]
		if !ok {
			t.Errorf("package %s is not in ARCHITECTURE.md", pkg)
			continue
		}
		seen++
		for _, imp := range strings.Fields(imports) {
			if own, ok := strings.CutPrefix(imp, mod); ok && !slices.Contains(rule, own) {
				t.Errorf("%s imports %s; ARCHITECTURE.md allows only %v", pkg, own, rule)
			}
		}
	}
	if seen != len(allowed) {
		t.Errorf("found %d of the %d packages ARCHITECTURE.md lists", seen, len(allowed))
	}
}
