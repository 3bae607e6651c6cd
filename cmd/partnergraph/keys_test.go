package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/neo4j/neo4jtest"
	"github.com/rs/zerolog"
)

// backend is where a command-line test keeps its data: the flags that name
// it, and how to start the server on it.
type backend struct {
	args  []string
	store StoreFlags
}

// onBackends runs test on an embedded store and on the test Neo4j (skipped
// without one, failed under CI=true).
func onBackends(t *testing.T, test func(*testing.T, backend)) {
	t.Run("embedded", func(t *testing.T) {
		dir := t.TempDir()
		sf := newStoreFlags()
		sf.Kind, sf.DataDir = "embedded", dir
		test(t, backend{args: []string{"--data", dir}, store: sf})
	})
	t.Run("neo4j", func(t *testing.T) {
		neo4jtest.Open(t) // an empty database, ours until the test ends
		cfg := neo4jtest.Config()
		sf := newStoreFlags()
		sf.Kind, sf.Neo4j = "neo4j", cfg
		args := []string{"--store", "neo4j", "--neo4j-uri", cfg.URI}
		if cfg.Database != "" {
			args = append(args, "--neo4j-database", cfg.Database)
		}
		test(t, backend{args: args, store: sf})
	})
}

// runCmd runs the partnergraph command on b and returns standard output and
// standard error apart.
func runCmd(t *testing.T, b backend, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := NewCommand()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(append(args, b.args...))
	err = cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

// startAuthMain runs the serve program on b with access control on.
func startAuthMain(t *testing.T, b backend) *Main {
	t.Helper()
	m := NewMain()
	m.Store, m.Addr, m.Logger = b.store, "127.0.0.1:0", zerolog.Nop()
	m.Auth.On = true
	m.Serve.RateLimit = 0
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// gqlAs posts a query with credential as a bearer token and returns the
// status and the decoded response.
func gqlAs(t *testing.T, base, credential, query string, vars map[string]any, out any) (int, []map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if credential != "" {
		req.Header.Set("Authorization", "Bearer "+credential)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var r struct {
		Data   json.RawMessage
		Errors []map[string]any
	}
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		t.Fatalf("status %d: %v", res.StatusCode, err)
	}
	if out != nil && len(r.Errors) == 0 {
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Fatal(err)
		}
	}
	return res.StatusCode, r.Errors
}

// createKey runs keys create and returns the key and its ID.
func createKey(t *testing.T, b backend, role, name string) (secret, id string) {
	t.Helper()
	out, errOut, err := runCmd(t, b, "keys", "create", "--role", role, "--name", name)
	if err != nil {
		t.Fatalf("keys create: %v %s", err, errOut)
	}
	secret = strings.TrimSpace(out)
	if strings.Count(out, "\n") != 1 || !strings.HasPrefix(secret, "pgk_") || len(secret) < 40 {
		t.Fatalf("keys create printed %q on standard output, want the key alone", out)
	}
	if strings.Contains(errOut, secret) {
		t.Errorf("keys create repeated the key on standard error: %s", errOut)
	}
	if _, rest, ok := strings.Cut(errOut, "created key "); ok {
		id, _, _ = strings.Cut(rest, " ")
	}
	return secret, id
}

func TestKeysCommand(t *testing.T) { onBackends(t, testKeysCommand) }

// testKeysCommand: create a key, use it against a running server, list it,
// revoke it, and see the running server refuse it at once.
func testKeysCommand(t *testing.T, b backend) {
	secret, id := createKey(t, b, "editor", "nightly import")
	m := startAuthMain(t, b)

	if status, _ := gqlAs(t, m.URL(), "", `{ people { totalCount } }`, nil, nil); status != http.StatusUnauthorized {
		t.Errorf("without a key: status %d, want 401", status)
	}
	var created struct{ CreatePerson struct{ Key string } }
	if status, errs := gqlAs(t, m.URL(), secret, `mutation { createPerson(input: {key: "kim", name: "Kim"}) { key } }`, nil, &created); status != http.StatusOK || len(errs) > 0 {
		t.Fatalf("editor key writing: status %d, errors %v", status, errs)
	}
	if _, errs := gqlAs(t, m.URL(), secret, `{ auditLog { totalCount } }`, nil, nil); len(errs) == 0 || errs[0]["extensions"].(map[string]any)["code"] != graph.EFORBIDDEN {
		t.Errorf("editor key reading the audit log: errors %v, want FORBIDDEN", errs)
	}

	list, _, err := runCmd(t, b, "keys", "list")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(list, id) || !strings.Contains(list, "editor") || !strings.Contains(list, "nightly import") || strings.Contains(list, secret) {
		t.Errorf("keys list:\n%s\nwant key %s with its role and name, and never its secret", list, id)
	}
	if _, errOut, err := runCmd(t, b, "keys", "revoke", id); err != nil {
		t.Fatalf("keys revoke: %v %s", err, errOut)
	}
	if status, _ := gqlAs(t, m.URL(), secret, `{ people { totalCount } }`, nil, nil); status != http.StatusUnauthorized {
		t.Errorf("revoked key on the running server: status %d, want 401", status)
	}
	if list, _, _ = runCmd(t, b, "keys", "list"); strings.Count(list, "\n") != 2 || strings.Contains(strings.SplitN(list, "\n", 3)[1], " - ") {
		t.Errorf("keys list after revocation:\n%s\nwant the key with its revocation time", list)
	}
	if _, _, err := runCmd(t, b, "keys", "revoke", "no-such-key"); err == nil {
		t.Error("revoking an unknown key succeeded")
	}
	if _, _, err := runCmd(t, b, "keys", "create", "--role", "owner"); err == nil {
		t.Error("creating a key with an unknown role succeeded")
	}
}

func TestErasureLeavesNothingInExports(t *testing.T) {
	onBackends(t, testErasureLeavesNothingInExports)
}

// testErasureLeavesNothingInExports erases one person through GraphQL and
// another with the erase command, then exports in every format, personal
// data included: nothing of either is left, and the audit log says who
// erased each without saying whom.
func testErasureLeavesNothingInExports(t *testing.T, b backend) {
	admin, adminID := createKey(t, b, "admin", "dpo")
	m := startAuthMain(t, b)
	people := map[string][]string{ // key: what must disappear
		"zara-quinn":  {"zara-quinn", "Zara Quinn", "zara.quinn@example.org", "+44 7700 900001"},
		"yusuf-oakes": {"yusuf-oakes", "Yusuf Oakes", "yusuf.oakes@example.org", "+44 7700 900002"},
	}
	var org struct{ CreateOrganisation struct{ ID string } }
	gqlAs(t, m.URL(), admin, `mutation { createOrganisation(input: {key: "hope", name: "Hope", type: UNIVERSITY}) { id } }`, nil, &org)
	var school struct{ CreateOrganisation struct{ ID string } }
	gqlAs(t, m.URL(), admin, `mutation { createOrganisation(input: {key: "school", name: "School", type: SCHOOL}) { id } }`, nil, &school)
	day := 0
	for key, v := range people {
		day++
		var p struct{ CreatePerson struct{ ID string } }
		if _, errs := gqlAs(t, m.URL(), admin, `mutation($k: String!, $n: String!, $e: String, $p: String) {
			createPerson(input: {key: $k, name: $n, email: $e, phone: $p}) { id } }`,
			map[string]any{"k": key, "n": v[1], "e": v[2], "p": v[3]}, &p); len(errs) > 0 {
			t.Fatal(errs)
		}
		vars := map[string]any{"p": p.CreatePerson.ID, "o": org.CreateOrganisation.ID, "s": school.CreateOrganisation.ID,
			"from": fmt.Sprintf("2020-01-%02d", day)}
		if _, errs := gqlAs(t, m.URL(), admin, `mutation($p: ID!, $o: ID!, $s: ID!, $from: Date) {
			a: createLink(input: {type: AFFILIATION, sourceId: $p, targetId: $o}) { id }
			b: createLink(input: {type: PARTNERSHIP, sourceId: $o, targetId: $s, brokeredById: $p, from: $from}) { id } }`, vars, nil); len(errs) > 0 {
			t.Fatal(errs)
		}
	}
	if _, errs := gqlAs(t, m.URL(), admin, `mutation($id: ID!) { erasePerson(id: $id) }`,
		map[string]any{"id": graph.NewID(graph.KindPerson, "zara-quinn")}, nil); len(errs) > 0 {
		t.Fatal(errs)
	}
	if _, errOut, err := runCmd(t, b, "erase", "yusuf-oakes"); err != nil {
		t.Fatalf("erase: %v %s", err, errOut)
	}
	if _, _, err := runCmd(t, b, "erase", "yusuf-oakes"); err == nil {
		t.Error("erasing an erased person again succeeded")
	}

	dir := t.TempDir()
	for _, format := range []string{"json", "graphml", "gexf", "csv"} {
		out := filepath.Join(dir, "export."+format)
		if format == "csv" {
			out = filepath.Join(dir, "csv")
		}
		if _, errOut, err := runCmd(t, b, "export", "--format", format, "--with-personal", "--output", out); err != nil {
			t.Fatalf("export %s: %v %s", format, err, errOut)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	csvs, _ := filepath.Glob(filepath.Join(dir, "csv", "*"))
	for _, f := range append(files, csvs...) {
		body, err := os.ReadFile(f)
		if err != nil || len(body) == 0 {
			continue // the csv directory itself
		}
		for _, v := range people {
			for _, secret := range append(v, graph.NewID(graph.KindPerson, v[0])) {
				if bytes.Contains(body, []byte(secret)) {
					t.Errorf("%s holds %q after erasure", filepath.Base(f), secret)
				}
			}
		}
		if !bytes.Contains(body, []byte("school")) {
			t.Errorf("%s lost what was not erased", filepath.Base(f))
		}
	}

	var log struct {
		AuditLog struct {
			Nodes []struct{ Actor, Action, Target string }
		}
	}
	if _, errs := gqlAs(t, m.URL(), admin, `{ auditLog(first: 2) { nodes { actor action target } } }`, nil, &log); len(errs) > 0 {
		t.Fatal(errs)
	}
	got := log.AuditLog.Nodes
	if len(got) != 2 || got[0].Action != "ERASE_PERSON" || got[1].Action != "ERASE_PERSON" ||
		got[0].Actor != "cli:"+operator() || got[1].Actor != "key:"+adminID ||
		!graph.MatchesErasureRef(got[0].Target, graph.NewID(graph.KindPerson, "yusuf-oakes")) ||
		!graph.MatchesErasureRef(got[1].Target, graph.NewID(graph.KindPerson, "zara-quinn")) {
		t.Errorf("audit log = %+v", got)
	}
	for _, e := range got {
		if strings.Contains(e.Target, "zara") || strings.Contains(e.Target, "yusuf") {
			t.Errorf("audit entry names the erased person: %+v", e)
		}
	}
}

func TestServeAuthFlags(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "secret")
	os.WriteFile(secretFile, []byte(strings.Repeat("k", 40)+"\n"), 0o600)
	for name, tc := range map[string]struct {
		flags AuthFlags
		ok    bool
	}{
		"Off":                {AuthFlags{}, true},
		"On":                 {AuthFlags{On: true}, true},
		"PublicReadWithout":  {AuthFlags{PublicRead: true}, false},
		"JWTWithoutAuth":     {AuthFlags{JWTIssuer: "i", JWTAudience: "a", JWTSecretFile: secretFile}, false},
		"JWT":                {AuthFlags{On: true, JWTIssuer: "i", JWTAudience: "a", JWTSecretFile: secretFile}, true},
		"JWTWithoutAudience": {AuthFlags{On: true, JWTIssuer: "i", JWTSecretFile: secretFile}, false},
		"JWTWithoutKey":      {AuthFlags{On: true, JWTIssuer: "i", JWTAudience: "a"}, false},
		"JWTMissingFile":     {AuthFlags{On: true, JWTIssuer: "i", JWTAudience: "a", JWTPublicKeyFile: filepath.Join(dir, "nope.pem")}, false},
		"JWTSecretFromEnv":   {AuthFlags{On: true, JWTIssuer: "i", JWTAudience: "a", jwtSecret: strings.Repeat("e", 32)}, true},
		"JWTSecretTwice":     {AuthFlags{On: true, JWTIssuer: "i", JWTAudience: "a", jwtSecret: strings.Repeat("e", 32), JWTSecretFile: secretFile}, false},
	} {
		t.Run(name, func(t *testing.T) {
			auth, err := tc.flags.config(zerolog.Nop())
			if (err == nil) != tc.ok {
				t.Fatalf("config: %v, want ok %v", err, tc.ok)
			}
			if err == nil && (auth != nil) != tc.flags.On {
				t.Errorf("auth = %+v with --auth %v", auth, tc.flags.On)
			}
		})
	}
}

// TestServeDemoNeedsNoKey keeps the README's quick start true: without
// --auth, the demo answers without credentials.
func TestServeDemoNeedsNoKey(t *testing.T) {
	m := startMain(t, t.TempDir(), true)
	defer m.Close()
	var got struct{ People struct{ TotalCount int } }
	if status, errs := gqlAs(t, m.URL(), "", `{ people { totalCount } }`, nil, &got); status != http.StatusOK || len(errs) > 0 || got.People.TotalCount == 0 {
		t.Errorf("demo without a key: status %d, errors %v, %d people", status, errs, got.People.TotalCount)
	}
}
