package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph/internal/testnet"
)

// roundTripMetrics pairs each analyze metric with the brokers metric that
// ranks by it.
var roundTripMetrics = map[string]string{
	"betweenness": "BETWEENNESS", "degree": "DEGREE", "closeness": "CLOSENESS", "eigenvector": "EIGENVECTOR",
	"constraint": "CONSTRAINT", "effective-size": "EFFECTIVE_SIZE", "efficiency": "EFFICIENCY",
}

// closeTo is the reference tolerance, testnet.Near: relative 1e-9, absolute 1e-12.
func closeTo(got, want float64) bool { return testnet.Near(got, want) }

// TestExportAnalyzeKeepsNumbers is a researcher's round trip on the demo
// network, which has directed and undirected links: what brokers says of
// every actor, analyze and networkx say of the exported file, for every
// metric and every format analyze reads.
func TestExportAnalyzeKeepsNumbers(t *testing.T) {
	dir := t.TempDir()
	m := startMain(t, dir, true)
	server := map[string]map[string]float64{}
	for metric, enum := range roundTripMetrics {
		server[metric] = brokerScores(t, m.URL(), fmt.Sprintf("metric: %s", enum))
	}
	server["brokerage"] = brokerScores(t, m.URL(), "metric: BROKERAGE, groupBy: SECTOR")
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if len(server["betweenness"]) < 70 {
		t.Fatalf("brokers ranked %d actors, want the whole demo", len(server["betweenness"]))
	}

	for _, format := range []string{"graphml", "gexf", "json"} {
		file := filepath.Join(t.TempDir(), "demo."+format)
		if out, err := run(t, "export", "--data", dir, "--format", format, "--output", file, "--quiet"); err != nil {
			t.Fatalf("export %s: %v\n%s", format, err, out)
		}
		t.Run(format, func(t *testing.T) {
			metrics := []string{"betweenness", "degree", "closeness", "eigenvector", "constraint", "effective-size", "efficiency"}
			if format == "json" { // people's groups come from their affiliations, which JSON keeps
				metrics = append(metrics, "brokerage")
			}
			for _, metric := range metrics {
				got := analyzeValues(t, file, metric)
				compareScores(t, format+" "+metric, got, server[metric])
			}
		})
	}

	t.Run("networkx", func(t *testing.T) {
		for _, format := range []string{"graphml", "gexf"} {
			file := filepath.Join(t.TempDir(), "demo."+format)
			if out, err := run(t, "export", "--data", dir, "--format", format, "--output", file, "--quiet"); err != nil {
				t.Fatalf("export %s: %v\n%s", format, err, out)
			}
			nx := networkxMetrics(t, file)
			for _, metric := range []string{"betweenness", "degree", "closeness", "constraint", "effective-size"} {
				var got map[string]float64
				if err := json.Unmarshal(nx[metric], &got); err != nil {
					t.Fatalf("networkx %s: %v", metric, err)
				}
				compareScores(t, "networkx "+format+" "+metric, got, server[metric])
			}
		}
	})
}

// brokerScores returns brokers' score for every actor, by key.
func brokerScores(t *testing.T, base, args string) map[string]float64 {
	t.Helper()
	var data struct {
		Brokers []struct {
			Score float64
			Actor struct{ Key string }
		}
	}
	gql(t, base, fmt.Sprintf(`{ brokers(%s, first: 1000) { score actor { key } } }`, args), &data)
	out := make(map[string]float64, len(data.Brokers))
	for _, b := range data.Brokers {
		out[b.Actor.Key] = b.Score
	}
	return out
}

// analyzeValues runs analyze on file with its defaults; brokerage's five roles are summed
// into sna's total, which brokers ranks by.
func analyzeValues(t *testing.T, file, metric string) map[string]float64 {
	t.Helper()
	out, err := run(t, "analyze", "--input", file, "--metric", metric) // brokerage: by sector, the default
	if err != nil {
		t.Fatalf("analyze %s %s: %v\n%s", file, metric, err, out)
	}
	got := map[string]float64{}
	if metric == "brokerage" {
		var roles map[string]map[string]float64
		if err := json.Unmarshal([]byte(out), &roles); err != nil {
			t.Fatal(err)
		}
		for k, r := range roles {
			for _, n := range r {
				got[k] += n
			}
		}
		return got
	}
	var values map[string]*float64
	if err := json.Unmarshal([]byte(out), &values); err != nil {
		t.Fatal(err)
	}
	for k, v := range values {
		if v != nil {
			got[k] = *v
		}
	}
	return got
}

// compareScores checks every actor the server scored against got.
func compareScores(t *testing.T, what string, got, want map[string]float64) {
	t.Helper()
	bad := 0
	for k, w := range want {
		g, ok := got[k]
		if !ok || !closeTo(g, w) {
			if bad++; bad <= 3 {
				t.Errorf("%s: %s = %v (present %v), brokers says %v", what, k, g, ok, w)
			}
		}
	}
	if bad > 3 {
		t.Errorf("%s: %d actors differ in all", what, bad)
	}
}

// networkxMetrics runs scripts/reference/roundtrip.py on file. networkx
// is one of the project's reference tools (scripts/reference); a machine
// without it fails this test rather than skipping it.
func networkxMetrics(t *testing.T, file string) map[string]json.RawMessage {
	t.Helper()
	cmd := exec.Command("python3", "../../scripts/reference/roundtrip.py", file)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("networkx (python3 scripts/reference/roundtrip.py; pip install networkx): %v", err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("networkx output %.200s: %v", out, err)
	}
	if strings.Contains(string(m["directed"]), "true") {
		t.Errorf("networkx reads the demo export as directed: the default analysis is undirected")
	}
	return m
}

// TestImportNamesEveryErrorOfARow: a spreadsheet row with three mistakes is
// reported with all three, so one run shows everything to mend.
func TestImportNamesEveryErrorOfARow(t *testing.T) {
	dir := t.TempDir()
	links := filepath.Join(dir, "links.csv")
	os.WriteFile(links, []byte("source,target,type,weight,from\na,b,friendship,-2,2021-13-01\n"), 0o644)
	_, err := run(t, "import", "--data", filepath.Join(dir, "db"), links)
	if err == nil {
		t.Fatal("import of a bad row succeeded")
	}
	for _, want := range []string{links + ":2:", "friendship", "-2", "2021-13-01"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}

// TestExportScopeErrors: a mistyped --scope is named as the user wrote it.
func TestExportScopeErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ scope, want string }{
		{"types=foo", `--scope types=foo: "foo" is not a link type`},
		{"from=2020-13-01", `from: "2020-13-01" is not a date`},
		{"colour=red", `unknown setting "colour"`},
		{"programme=nonexistent", `no programme with key "nonexistent"`},
	} {
		_, err := run(t, "export", "--data", dir, "--format", "json", "--scope", tc.scope)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("--scope %s: %v, want %q", tc.scope, err, tc.want)
		}
	}
}

// TestExportCommunities: export --with-metrics community gives every actor
// the community the API's communities query puts it in.
func TestExportCommunities(t *testing.T) {
	dir := t.TempDir()
	m := startMain(t, dir, true)
	var api struct {
		Communities struct {
			Count       int
			Communities []struct {
				ID     int
				Actors []struct{ Key string }
			}
		}
	}
	gql(t, m.URL(), `{ communities { count communities(first: 100) { id actors(first: 100) { key } } } }`, &api)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, c := range api.Communities.Communities {
		for _, a := range c.Actors {
			want[a.Key] = fmt.Sprint(c.ID)
		}
	}
	out, err := run(t, "export", "--data", dir, "--format", "json", "--with-metrics", "community", "--quiet")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Actors []struct {
			Key   string
			Attrs map[string]string
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Actors) != len(want) || len(want) < 70 {
		t.Fatalf("%d actors exported, %d in the API's communities", len(doc.Actors), len(want))
	}
	for _, a := range doc.Actors {
		if a.Attrs["community"] != want[a.Key] {
			t.Errorf("%s: exported community %q, the API says %q", a.Key, a.Attrs["community"], want[a.Key])
		}
	}
}
