package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph/internal/testnet"
)

// run runs the partnergraph command with args and returns its output.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := NewCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func TestAnalyzeCommand(t *testing.T) {
	out, err := run(t, "analyze", "--input", testnet.Path(t, "karate.graphml"), "--metric", "betweenness", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var bc map[string]float64
	if err := json.Unmarshal([]byte(out), &bc); err != nil {
		t.Fatal(err)
	}
	// networkx: betweenness_centrality(karate_club_graph())[0] (node "1" here).
	if len(bc) != 34 || !closeTo(bc["1"], 0.43763528138528146) {
		t.Errorf("karate betweenness: %d nodes, node 1 = %v", len(bc), bc["1"])
	}
	out, err = run(t, "analyze", "--input", testnet.Path(t, "strike.graphml"), "--metric", "brokerage", "--group-by", "group")
	if err != nil {
		t.Fatal(err)
	}
	var roles map[string]map[string]int
	if err := json.Unmarshal([]byte(out), &roles); err != nil {
		t.Fatal(err)
	}
	if len(roles) != 24 || len(roles["Bob"]) != 5 {
		t.Errorf("strike brokerage: %d nodes, Bob = %v", len(roles), roles["Bob"])
	}
	out, err = run(t, "analyze", "--input", testnet.Path(t, "karate.graphml"), "--metric", "edge-betweenness")
	if err != nil || !strings.Contains(out, `"1|2":`) {
		t.Errorf("edge betweenness keys: %v %.100s", err, out)
	}
	out, err = run(t, "analyze", "--input", testnet.Path(t, "karate.graphml"), "--metric", "constraint", "--format", "csv")
	if err != nil || !strings.HasPrefix(out, "key,value\n") || strings.Count(out, "\n") != 35 {
		t.Errorf("csv output: %v %.100s", err, out)
	}
}

// TestAnalyzeCommunities: the partition printed is analysis.Communities'
// (two runs, the same bytes) and modularity reports it; karate's best known
// modularity is 0.4198 (networkx louvain_communities, best of seeds 0..9).
func TestAnalyzeCommunities(t *testing.T) {
	karate := testnet.Path(t, "karate.graphml")
	args := []string{"analyze", "--input", karate, "--metric", "communities", "--seed", "4", "--resolution", "1"}
	out, err := run(t, args...)
	if err != nil {
		t.Fatal(err)
	}
	var of map[string]int
	if err := json.Unmarshal([]byte(out), &of); err != nil {
		t.Fatal(err)
	}
	if again, _ := run(t, args...); again != out {
		t.Errorf("two runs with --seed 4 printed different partitions")
	}
	if len(of) != 34 || of["1"] != 0 {
		t.Errorf("karate communities: %d nodes, node 1 in %d (want 0: numbered from the first node)", len(of), of["1"])
	}
	out, err = run(t, "analyze", "--input", karate, "--metric", "modularity", "--algorithm", "louvain", "--seed", "4")
	if err != nil {
		t.Fatal(err)
	}
	var q struct {
		Modularity  float64
		Communities int
	}
	if err := json.Unmarshal([]byte(out), &q); err != nil {
		t.Fatal(err)
	}
	if q.Modularity < 0.38 || q.Modularity > 0.4198+1e-4 || q.Communities < 2 {
		t.Errorf("karate modularity: %+v, want about 0.4 in a few communities", q)
	}
	out, err = run(t, "analyze", "--input", karate, "--metric", "communities", "--format", "csv", "--algorithm", "louvain")
	if err != nil || !strings.HasPrefix(out, "key,community\n") || strings.Count(out, "\n") != 35 {
		t.Errorf("csv communities: %v %.100s", err, out)
	}
}

func TestAnalyzeCommandErrors(t *testing.T) {
	karate := testnet.Path(t, "karate.graphml")
	bad := filepath.Join(t.TempDir(), "bad.txt")
	os.WriteFile(bad, []byte("1 2\n3\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"analyze", "--input", karate, "--metric", "fame"}, "--metric"},
		{[]string{"analyze", "--input", karate, "--metric", "brokerage"}, "--group-by"},
		{[]string{"analyze", "--input", karate, "--metric", "brokerage", "--group-by", "colour"}, "colour"},
		{[]string{"analyze", "--input", "missing.graphml", "--metric", "degree"}, "missing.graphml"},
		{[]string{"analyze", "--input", bad, "--metric", "degree"}, "bad.txt:2"},
		{[]string{"analyze", "--input", karate, "--metric", "degree", "--format", "xml"}, "--format"},
		{[]string{"analyze", "--input", karate, "--metric", "communities", "--algorithm", "walktrap"}, "--algorithm"},
		{[]string{"analyze", "--input", karate, "--metric", "modularity", "--resolution", "0"}, "--resolution"},
		{[]string{"paths", "--input", karate, "--from", "1"}, "--to"},
		{[]string{"paths", "--input", karate, "--from", "1", "--to", "99"}, `"99"`},
		{[]string{"paths", "--input", karate, "--from", "1", "--to", "1"}, "same node"},
	} {
		_, err := run(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one mentioning %s", tc.args, err, tc.want)
		}
	}
}

func TestPathsCommand(t *testing.T) {
	karate := testnet.Path(t, "karate.graphml")
	out, err := run(t, "paths", "--input", karate, "--from", "1", "--to", "34", "--k", "5", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var ps []filePath
	if err := json.Unmarshal([]byte(out), &ps); err != nil {
		t.Fatal(err)
	}
	if len(ps) != 5 || ps[0].Hops != 2 || ps[0].Nodes[0] != "1" || ps[0].Nodes[2] != "34" || ps[4].Cost < ps[0].Cost {
		t.Errorf("paths 1→34 = %+v", ps)
	}
	pairs := filepath.Join(t.TempDir(), "pairs.txt")
	os.WriteFile(pairs, []byte("# from to\n1 34\n\n34 1\n"), 0o644)
	out, err = run(t, "paths", "--input", karate, "--pairs", pairs, "--k", "2")
	if err != nil {
		t.Fatal(err)
	}
	var many [][]filePath
	if err := json.Unmarshal([]byte(out), &many); err != nil {
		t.Fatal(err)
	}
	if len(many) != 2 || len(many[0]) != 2 || many[1][0].Nodes[0] != "34" {
		t.Errorf("pairs output = %+v", many)
	}
	os.WriteFile(pairs, []byte("1 34\n1 2 3\n"), 0o644)
	if _, err := run(t, "paths", "--input", karate, "--pairs", pairs); err == nil || !strings.Contains(err.Error(), "pairs.txt:2") {
		t.Errorf("malformed pairs file: %v", err)
	}
}

// TestPathsCommandKeepsGoing: one pair that cannot be answered does not
// cost the others their answers, and every malformed line is named at once.
func TestPathsCommandKeepsGoing(t *testing.T) {
	karate := testnet.Path(t, "karate.graphml")
	pairs := filepath.Join(t.TempDir(), "pairs.txt")
	os.WriteFile(pairs, []byte("1 34\nnobody 34\n34 1\n"), 0o644)
	cmd := NewCommand()
	var stdout, stderr bytes.Buffer
	cmd.SetOut(&stdout)
	cmd.SetErr(&stderr)
	cmd.SetArgs([]string{"paths", "--input", karate, "--pairs", pairs})
	err := cmd.ExecuteContext(context.Background())
	if err == nil || !strings.Contains(err.Error(), "pairs.txt:2") || !strings.Contains(err.Error(), "nobody") {
		t.Errorf("error = %v, want pairs.txt:2 naming nobody", err)
	}
	var many []json.RawMessage
	if err := json.Unmarshal(stdout.Bytes(), &many); err != nil || len(many) != 3 {
		t.Fatalf("output %s: %v", stdout.String(), err)
	}
	if !strings.Contains(string(many[1]), `"error"`) || !strings.Contains(string(many[2]), `"34"`) {
		t.Errorf("answers = %s", stdout.String())
	}

	os.WriteFile(pairs, []byte("1\n1 34\n1 2 3\n"), 0o644)
	_, err = run(t, "paths", "--input", karate, "--pairs", pairs)
	if err == nil || !strings.Contains(err.Error(), "pairs.txt:1") || !strings.Contains(err.Error(), "pairs.txt:3") {
		t.Errorf("malformed lines: %v, want both named", err)
	}
	if _, err := run(t, "paths", "--input", karate, "--from", "1", "--to", "34", "--format", "csv"); err == nil || !strings.Contains(err.Error(), "--format") {
		t.Errorf("paths --format csv: %v, want a --format error", err)
	}
	if out, _ := run(t, "paths", "--help"); strings.Contains(out, "csv") {
		t.Errorf("paths --help offers csv:\n%s", out)
	}
}
