package server_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// readmeVariables are the actors the README's examples name by variable.
var readmeVariables = map[string]any{
	"hope":       actorID("liverpool-hope-university"),
	"school":     actorID("croxteth-community-primary-school"),
	"researcher": actorID("tina-cook"),
	"source":     actorID("croxteth-community-primary-school"),
	"target":     actorID("liverpool-hope-university"),
}

// TestReadmeExamples runs every GraphQL example of the README against the
// demo network, so the README cannot drift from the schema again: each
// must run without an error and return data.
func TestReadmeExamples(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 5 {
		t.Fatalf("found %d GraphQL examples in README.md, want at least 5", len(blocks))
	}
	ts, _ := demo(t, openStore)
	for i, b := range blocks {
		query := b[1]
		name := strings.Fields(query)[0] + " " + firstField(query)
		t.Run(name, func(t *testing.T) {
			vars := map[string]any{}
			for _, m := range regexp.MustCompile(`\$(\w+)\s*:`).FindAllStringSubmatch(query, -1) {
				v, ok := readmeVariables[m[1]]
				if !ok {
					t.Fatalf("example %d uses $%s, which the test does not know", i+1, m[1])
				}
				vars[m[1]] = v
			}
			r := do(t, ts.URL, query, vars, nil)
			if len(r.Errors) > 0 {
				t.Fatalf("README example %d:\n%s\nerrors: %+v", i+1, query, r.Errors)
			}
			if len(r.Data) < 10 {
				t.Errorf("README example %d returned %s", i+1, r.Data)
			}
		})
	}
}

// firstField names an example by its first selected field.
func firstField(query string) string {
	m := regexp.MustCompile(`\{\s*(\w+)`).FindStringSubmatch(query)
	if m == nil {
		return "?"
	}
	return m[1]
}
