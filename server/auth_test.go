package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/neo4j"
	"github.com/partnergraph/partnergraph/graph/neo4j/neo4jtest"
	"github.com/partnergraph/partnergraph/resolvers/generated"
	"github.com/partnergraph/partnergraph/server"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"
	"golang.org/x/time/rate"
)

// authServer serves s with access control on; logs go to logs if not nil.
func authServer(t *testing.T, s graph.Store, auth *server.Auth, logs io.Writer) *httptest.Server {
	t.Helper()
	logger := zerolog.Nop()
	if logs != nil {
		logger = zerolog.New(logs)
	}
	// Role tests send many requests from one address: no rate limit.
	h := server.New(server.Config{Store: s, Logger: logger, Auth: auth, Limits: server.Limits{RateLimit: rate.Inf}}).Handler()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}

// mintKey stores a new API key with role and returns its secret.
func mintKey(t *testing.T, s graph.Store, role graph.AccessRole) (string, *graph.APIKey) {
	t.Helper()
	k, secret, err := graph.NewAPIKey("test "+string(role), role, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ctx := graph.WithCaller(context.Background(), graph.Caller{Subject: "cli:test", Role: graph.AccessAdmin})
	if err := s.(graph.AdminStore).CreateKey(ctx, k, graph.NewAuditEntry(ctx, graph.AuditCreateKey, k.ID, time.Now())); err != nil {
		t.Fatal(err)
	}
	return secret, k
}

// doAs posts a GraphQL request with credential as a bearer token ("" sends
// none) and returns the HTTP status and headers with the decoded response.
func doAs(t *testing.T, url, credential, query string, vars map[string]any, out any) (int, http.Header, *response) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if credential != "" {
		req.Header.Set("Authorization", "Bearer "+credential)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var r response
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("decode response (status %d) %q: %v", res.StatusCode, raw, err)
	}
	if out != nil && len(r.Data) > 0 && string(r.Data) != "null" {
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Fatalf("decode data %s: %v", r.Data, err)
		}
	}
	return res.StatusCode, res.Header, &r
}

// roleFixture is a small network with contact details, and a key per role.
type roleFixture struct {
	ts                    *httptest.Server
	store                 graph.Store
	viewer, editor, admin string
	person                *graph.Actor
}

func newRoleFixture(t *testing.T, s graph.Store, auth *server.Auth) *roleFixture {
	t.Helper()
	ctx := context.Background()
	p, err := s.CreateActor(ctx, &graph.Actor{Kind: graph.KindPerson, Key: "dana", Name: "Dana Doe",
		Email: "dana.doe@example.org", Phone: "+44 151 000 0000"})
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.CreateActor(ctx, &graph.Actor{Kind: graph.KindOrganisation, Key: "hope", Name: "Hope", OrgType: graph.OrgUniversity})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateLink(ctx, &graph.Link{Type: graph.LinkAffiliation, SourceID: p.ID, TargetID: o.ID}); err != nil {
		t.Fatal(err)
	}
	f := &roleFixture{store: s, person: p, ts: authServer(t, s, auth, nil)}
	f.viewer, _ = mintKey(t, s, graph.AccessViewer)
	f.editor, _ = mintKey(t, s, graph.AccessEditor)
	f.admin, _ = mintKey(t, s, graph.AccessAdmin)
	return f
}

// state is everything a request could change: the network, the keys and
// the audit log.
func state(t *testing.T, s graph.Store) string {
	t.Helper()
	ctx := context.Background()
	var b bytes.Buffer
	v, err := s.Scan(ctx, func(it graph.Item) error { return json.NewEncoder(&b).Encode(it) })
	if err != nil {
		t.Fatal(err)
	}
	ks, err := s.(graph.AdminStore).Keys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	log, err := s.(graph.AdminStore).AuditLog(ctx, graph.PageArgs{First: graph.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "version %d\n", v)
	json.NewEncoder(&b).Encode(ks)
	json.NewEncoder(&b).Encode(log.Items)
	return b.String()
}

// schema is the served schema, with its @requires directives.
var schema = generated.NewExecutableSchema(generated.Config{}).Schema()

// neededRole is the role a root field needs: its @requires, or else EDITOR
// for mutations and VIEWER for queries.
func neededRole(f *ast.FieldDefinition, mutation bool) graph.AccessRole {
	if d := f.Directives.ForName("requires"); d != nil {
		return graph.AccessRole(strings.ToLower(d.Arguments.ForName("role").Value.Raw))
	}
	if mutation {
		return graph.AccessEditor
	}
	return graph.AccessViewer
}

// call writes a syntactically valid operation calling a root field, with
// made-up values for its required arguments, so every field of the schema,
// present and future, can be tried. Files (Upload arguments) cannot be
// literals: they become variables, sent as multipart uploads (uploads
// names them).
func call(op string, f *ast.FieldDefinition) (doc string, uploads map[string]*ast.Type) {
	var args, vars []string
	uploads = map[string]*ast.Type{}
	for _, a := range f.Arguments {
		switch {
		case !a.Type.NonNull || a.DefaultValue != nil:
		case a.Type.Name() == "Upload":
			vars = append(vars, "$"+a.Name+": "+a.Type.String())
			args = append(args, a.Name+": $"+a.Name)
			uploads[a.Name] = a.Type
		default:
			args = append(args, a.Name+": "+literal(a.Type, 0))
		}
	}
	s := f.Name
	if len(args) > 0 {
		s += "(" + strings.Join(args, ", ") + ")"
	}
	if def := schema.Types[f.Type.Name()]; def.Kind == ast.Object || def.Kind == ast.Interface || def.Kind == ast.Union {
		s += " { __typename }"
	}
	if len(vars) > 0 {
		op += "(" + strings.Join(vars, ", ") + ")"
	}
	return op + " { " + s + " }", uploads
}

// doUploadAs posts a GraphQL multipart request (the GraphQL multipart request
// specification) with one small JSON network file for each upload variable.
func doUploadAs(t *testing.T, url, credential, doc string, uploads map[string]*ast.Type) (int, *response) {
	t.Helper()
	vars, fileMap := map[string]any{}, map[string][]string{}
	for name, typ := range uploads {
		part := fmt.Sprint(len(fileMap))
		if typ.Elem != nil {
			vars[name], fileMap[part] = []any{nil}, []string{"variables." + name + ".0"}
		} else {
			vars[name], fileMap[part] = nil, []string{"variables." + name}
		}
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	ops, _ := json.Marshal(map[string]any{"query": doc, "variables": vars})
	w.WriteField("operations", string(ops))
	m, _ := json.Marshal(fileMap)
	w.WriteField("map", string(m))
	for part := range fileMap {
		fw, _ := w.CreateFormFile(part, "made-up.json")
		fw.Write([]byte(`{"format": "partnergraph/1"}`))
	}
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+credential)
	return decode(t, req)
}

func literal(t *ast.Type, depth int) string {
	if t.Elem != nil {
		return "[" + literal(t.Elem, depth) + "]"
	}
	def := schema.Types[t.NamedType]
	switch {
	case def.Kind == ast.Enum:
		return def.EnumValues[0].Name
	case def.Kind == ast.InputObject:
		var fields []string
		for _, f := range def.Fields {
			if f.Type.NonNull && f.DefaultValue == nil && depth < 5 {
				fields = append(fields, f.Name+": "+literal(f.Type, depth+1))
			}
		}
		return "{" + strings.Join(fields, ", ") + "}"
	}
	switch t.NamedType {
	case "Int", "Float":
		return "1"
	case "Boolean":
		return "false"
	case "Date":
		return `"2020-01-01"`
	}
	return `"made-up"`
}

// TestAdminOnlyFields pins the policy that testRoleBoundaries checks the
// server against: keys, imports, erasure and the audit log are for
// administrators.
func TestAdminOnlyFields(t *testing.T) {
	for _, name := range []string{"erasePerson", "createApiKey", "revokeApiKey", "importNetwork"} {
		if f := schema.Mutation.Fields.ForName(name); f == nil || neededRole(f, true) != graph.AccessAdmin {
			t.Errorf("mutation %s: want @requires(role: ADMIN)", name)
		}
	}
	for _, name := range []string{"auditLog", "apiKeys"} {
		if f := schema.Query.Fields.ForName(name); f == nil || neededRole(f, false) != graph.AccessAdmin {
			t.Errorf("query %s: want @requires(role: ADMIN)", name)
		}
	}
}

func TestRoleBoundaries(t *testing.T) { onStores(t, testRoleBoundaries) }

// testRoleBoundaries tries every mutation and query of the schema with each
// role: below the role a field needs, the answer is FORBIDDEN naming that
// role, with no data, and nothing changes; at or above it, never FORBIDDEN.
func testRoleBoundaries(t *testing.T, openStore func(*testing.T) graph.Store) {
	f := newRoleFixture(t, openStore(t), &server.Auth{})
	creds := map[graph.AccessRole]string{graph.AccessViewer: f.viewer, graph.AccessEditor: f.editor, graph.AccessAdmin: f.admin}
	for _, root := range []*ast.Definition{schema.Query, schema.Mutation} {
		mutation := root == schema.Mutation
		for _, field := range root.Fields {
			if strings.HasPrefix(field.Name, "__") {
				continue
			}
			need := neededRole(field, mutation)
			op := "query"
			if mutation {
				op = "mutation"
			}
			doc, uploads := call(op, field)
			t.Run(field.Name, func(t *testing.T) {
				for _, role := range graph.AccessRoles {
					before := state(t, f.store)
					var status int
					var r *response
					if len(uploads) > 0 {
						status, r = doUploadAs(t, f.ts.URL, creds[role], doc, uploads)
					} else {
						status, _, r = doAs(t, f.ts.URL, creds[role], doc, nil, nil)
					}
					if status != http.StatusOK {
						t.Fatalf("%s as %s: status %d, want 200", doc, role, status)
					}
					if role.Includes(need) {
						if r.code() == graph.EFORBIDDEN {
							t.Errorf("%s as %s: FORBIDDEN, want allowed (needs %s)", doc, role, need)
						}
						continue
					}
					if r.code() != graph.EFORBIDDEN || !strings.Contains(r.Errors[0].Message, string(need)) {
						t.Errorf("%s as %s: errors %+v, want FORBIDDEN naming %s", doc, role, r.Errors, need)
					}
					if data := string(r.Data); data != "" && data != "null" && data != fmt.Sprintf(`{"%s":null}`, field.Name) {
						t.Errorf("%s as %s: data %s, want none", doc, role, data)
					}
					if after := state(t, f.store); after != before {
						t.Errorf("%s as %s changed the store:\nbefore %s\nafter  %s", doc, role, before, after)
					}
				}
			})
		}
	}
}

func TestPersonalFields(t *testing.T) { onStores(t, testPersonalFields) }

// testPersonalFields reads contact details every way the schema offers, as
// each role: viewers get null and the values appear nowhere in the answer.
func testPersonalFields(t *testing.T, openStore func(*testing.T) graph.Store) {
	f := newRoleFixture(t, openStore(t), &server.Auth{})
	query := `query($id: ID!) {
		people { nodes { key email phone } }
		actor(key: "dana") { ... on Person { email phone } }
		node(id: $id) { ... on Person { email phone } }
		actors(search: "dana") { nodes { ... on Person { email phone } } }
		organisations { nodes { members { ... on Person { email phone } } } }
	}`
	vars := map[string]any{"id": f.person.ID}
	for role, cred := range map[graph.AccessRole]string{graph.AccessViewer: f.viewer, graph.AccessEditor: f.editor, graph.AccessAdmin: f.admin} {
		t.Run(string(role), func(t *testing.T) {
			_, _, r := doAs(t, f.ts.URL, cred, query, vars, nil)
			if len(r.Errors) > 0 {
				t.Fatalf("errors: %+v", r.Errors)
			}
			emails := strings.Count(string(r.Data), f.person.Email)
			phones := strings.Count(string(r.Data), f.person.Phone)
			want := 0
			if role.Includes(graph.AccessEditor) {
				want = 5
			}
			if emails != want || phones != want {
				t.Errorf("as %s: %d emails and %d phones in %s, want %d of each", role, emails, phones, r.Data, want)
			}
			if want == 0 && strings.Count(string(r.Data), `"email":null`) != 5 {
				t.Errorf("as %s: want email null in all 5 places: %s", role, r.Data)
			}
		})
	}
}

func TestUnauthenticated(t *testing.T) { onStores(t, testUnauthenticated) }

// testUnauthenticated: missing, malformed, unknown and revoked credentials
// get 401 with a GraphQL-shaped body and a Bearer challenge; the open
// endpoints stay open.
func testUnauthenticated(t *testing.T, openStore func(*testing.T) graph.Store) {
	f := newRoleFixture(t, openStore(t), &server.Auth{})
	revoked, k := mintKey(t, f.store, graph.AccessAdmin)
	if status, _, _ := doAs(t, f.ts.URL, revoked, `{ me { subject } }`, nil, nil); status != http.StatusOK {
		t.Fatalf("key before revocation: status %d", status)
	}
	ctx := graph.WithCaller(context.Background(), graph.Caller{Subject: "cli:test", Role: graph.AccessAdmin})
	if _, err := f.store.(graph.AdminStore).RevokeKey(ctx, k.ID, graph.NewAuditEntry(ctx, graph.AuditRevokeKey, k.ID, time.Now())); err != nil {
		t.Fatal(err)
	}
	_, other, _ := graph.NewAPIKey("", graph.AccessAdmin, time.Now()) // never stored
	for name, tc := range map[string]struct {
		header    string
		presented bool
	}{
		"Missing":       {"", false},
		"UnknownKey":    {"Bearer " + other, true},
		"RevokedKey":    {"Bearer " + revoked, true},
		"TruncatedKey":  {"Bearer " + f.admin[:len(f.admin)-1], true},
		"NotBearer":     {"Basic " + f.admin, true},
		"EmptyBearer":   {"Bearer ", true},
		"NotAKeyNorJWT": {"Bearer hello", true},
	} {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, f.ts.URL+"/graphql", strings.NewReader(`{"query":"{ people { totalCount } }"}`))
			req.Header.Set("Content-Type", "application/json")
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var r response
			json.NewDecoder(res.Body).Decode(&r)
			if res.StatusCode != http.StatusUnauthorized || r.code() != "UNAUTHENTICATED" || (r.Data != nil && string(r.Data) != "null") {
				t.Errorf("status %d, body %+v; want 401 UNAUTHENTICATED without data", res.StatusCode, r)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("content type %q, want JSON", ct)
			}
			challenge := res.Header.Get("WWW-Authenticate")
			if !strings.HasPrefix(challenge, "Bearer ") || strings.Contains(challenge, "invalid_token") != tc.presented {
				t.Errorf("WWW-Authenticate = %q", challenge)
			}
		})
	}
	for _, path := range []string{"/healthz", "/readyz", "/", "/graphiql/graphiql.min.css", "/explore"} {
		res, err := http.Get(f.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s without credentials: %d, want 200", path, res.StatusCode)
		}
	}
}

func TestPublicRead(t *testing.T) { onStores(t, testPublicRead) }

func testPublicRead(t *testing.T, openStore func(*testing.T) graph.Store) {
	f := newRoleFixture(t, openStore(t), &server.Auth{PublicRead: true})
	var got struct {
		Me     struct{ Subject, Role string }
		People struct {
			Nodes []struct{ Name, Email, Phone *string }
		}
	}
	status, _, r := doAs(t, f.ts.URL, "", `{ me { subject role } people { nodes { name email phone } } }`, nil, &got)
	if status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("anonymous read: status %d, errors %+v", status, r.Errors)
	}
	if got.Me.Subject != "anonymous" || got.Me.Role != "VIEWER" || len(got.People.Nodes) != 1 ||
		got.People.Nodes[0].Email != nil || got.People.Nodes[0].Phone != nil {
		t.Errorf("anonymous read = %+v, want a viewer without contact details", got)
	}
	before := state(t, f.store)
	_, _, r = doAs(t, f.ts.URL, "", `mutation { createPerson(input: {key: "eve", name: "Eve"}) { id } }`, nil, nil)
	if r.code() != graph.EFORBIDDEN {
		t.Errorf("anonymous mutation: %+v, want FORBIDDEN", r.Errors)
	}
	if state(t, f.store) != before {
		t.Error("anonymous mutation changed the store")
	}
	// Credentials, if sent, must be good: a bad one is not read as anonymous.
	if status, _, _ := doAs(t, f.ts.URL, "pgk_wrong", `{ me { subject } }`, nil, nil); status != http.StatusUnauthorized {
		t.Errorf("bad key with public read: status %d, want 401", status)
	}
	// A good key still counts for its role.
	var me struct{ Me struct{ Role string } }
	doAs(t, f.ts.URL, f.editor, `{ me { role } }`, nil, &me)
	if me.Me.Role != "EDITOR" {
		t.Errorf("editor key with public read: role %q", me.Me.Role)
	}
}

func TestKeysThroughGraphQL(t *testing.T) { onStores(t, testKeysThroughGraphQL) }

// testKeysThroughGraphQL: an admin creates a key, it works at once with its
// role, shows in the list without its secret, and stops working when revoked.
func testKeysThroughGraphQL(t *testing.T, openStore func(*testing.T) graph.Store) {
	f := newRoleFixture(t, openStore(t), &server.Auth{})
	var created struct {
		CreateApiKey struct {
			Secret string
			Key    struct{ ID, Name, Role string }
		}
	}
	_, _, r := doAs(t, f.ts.URL, f.admin, `mutation { createApiKey(role: EDITOR, name: "importer") { secret key { id name role } } }`, nil, &created)
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	k := created.CreateApiKey
	if len(k.Secret) < 43 || k.Key.Role != "EDITOR" || k.Key.Name != "importer" {
		t.Fatalf("created key = %+v", k)
	}
	var me struct {
		Me struct{ Subject, Name, Role string }
	}
	doAs(t, f.ts.URL, k.Secret, `{ me { subject name role } }`, nil, &me)
	if me.Me.Subject != "key:"+k.Key.ID || me.Me.Role != "EDITOR" || me.Me.Name != "importer" {
		t.Errorf("me with the new key = %+v", me.Me)
	}
	_, _, r = doAs(t, f.ts.URL, f.admin, `{ apiKeys { id name role created revoked } }`, nil, nil)
	if strings.Contains(string(r.Data), k.Secret) || !strings.Contains(string(r.Data), k.Key.ID) {
		t.Errorf("key list %s: want the new key's ID and never its secret", r.Data)
	}
	_, _, r = doAs(t, f.ts.URL, f.admin, `mutation($id: ID!) { revokeApiKey(id: $id) { revoked } }`, map[string]any{"id": k.Key.ID}, nil)
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	if status, _, _ := doAs(t, f.ts.URL, k.Secret, `{ me { subject } }`, nil, nil); status != http.StatusUnauthorized {
		t.Errorf("revoked key: status %d, want 401", status)
	}
	var log struct {
		AuditLog struct {
			Nodes []struct{ Actor, Action, Target string }
		}
	}
	doAs(t, f.ts.URL, f.admin, `{ auditLog(first: 2) { nodes { actor action target } } }`, nil, &log)
	adminSubject := "key:" + keyID(t, f, f.admin)
	want := []struct{ Actor, Action, Target string }{{adminSubject, "REVOKE_KEY", k.Key.ID}, {adminSubject, "CREATE_KEY", k.Key.ID}}
	if !slices.Equal(log.AuditLog.Nodes, want) {
		t.Errorf("audit log = %+v, want %+v", log.AuditLog.Nodes, want)
	}
}

// keyID returns the ID of the key with secret.
func keyID(t *testing.T, f *roleFixture, secret string) string {
	t.Helper()
	k, err := f.store.(graph.AdminStore).KeyByHash(context.Background(), graph.HashAPIKey(secret))
	if err != nil {
		t.Fatal(err)
	}
	return k.ID
}

func TestErasePerson(t *testing.T) { onStores(t, testErasePerson) }

// testErasePerson erases a person who brokered a link, through GraphQL, and
// checks they are gone everywhere and the audit log says who erased them
// without saying whom.
func testErasePerson(t *testing.T, openStore func(*testing.T) graph.Store) {
	f := newRoleFixture(t, openStore(t), &server.Auth{})
	ctx := context.Background()
	a, _ := f.store.CreateActor(ctx, &graph.Actor{Kind: graph.KindOrganisation, Key: "school", Name: "School", OrgType: graph.OrgSchool})
	brokered, err := f.store.CreateLink(ctx, &graph.Link{Type: graph.LinkPartnership, SourceID: a.ID,
		TargetID: graph.NewID(graph.KindActor, "hope"), BrokeredByID: f.person.ID})
	if err != nil {
		t.Fatal(err)
	}
	_, _, r := doAs(t, f.ts.URL, f.admin, `mutation($id: ID!) { erasePerson(id: $id) }`, map[string]any{"id": f.person.ID}, nil)
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	var got struct {
		Actor *struct{ Name string }
		Links struct {
			TotalCount int
			Nodes      []struct {
				Key        string
				BrokeredBy *struct{ Key string }
			}
		}
		AuditLog struct {
			Nodes []struct{ Actor, Action, Target string }
		}
	}
	_, _, r = doAs(t, f.ts.URL, f.admin, `{ actor(key: "dana") { name } links { totalCount nodes { key brokeredBy { key } } }
		auditLog(first: 1) { nodes { actor action target } } }`, nil, &got)
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	if got.Actor != nil || got.Links.TotalCount != 1 || got.Links.Nodes[0].Key != brokered.Key || got.Links.Nodes[0].BrokeredBy != nil {
		t.Errorf("after erasure: %+v, want the person and their link gone, the brokered link kept without broker", got)
	}
	e := got.AuditLog.Nodes[0]
	if e.Action != "ERASE_PERSON" || e.Actor != "key:"+keyID(t, f, f.admin) || !graph.MatchesErasureRef(e.Target, f.person.ID) ||
		strings.Contains(e.Target, "dana") || strings.Contains(e.Target, f.person.ID) {
		t.Errorf("audit entry = %+v", e)
	}
	if st := state(t, f.store); strings.Contains(st, f.person.ID) || strings.Contains(st, "Dana") || strings.Contains(st, f.person.Email) {
		t.Errorf("store still holds the erased person:\n%s", st)
	}
	_, _, r = doAs(t, f.ts.URL, f.admin, `mutation($id: ID!) { erasePerson(id: $id) }`, map[string]any{"id": f.person.ID}, nil)
	if r.code() != graph.ENOTFOUND {
		t.Errorf("erasing again: %+v, want NOT_FOUND", r.Errors)
	}
}

// failingStore fails FindActors, so a request logs an internal error.
type failingStore struct{ graph.Store }

func (failingStore) FindActors(context.Context, graph.ActorFilter, graph.PageArgs) (*graph.Page[*graph.Actor], error) {
	return nil, fmt.Errorf("disk on fire")
}

// TestCallerInLogs checks every log line of a request names its caller, and
// no line holds a secret.
func TestCallerInLogs(t *testing.T) {
	st := openStore(t)
	var logs bytes.Buffer
	secret, k := mintKey(t, st, graph.AccessViewer)
	// The failing wrapper hides the store's admin side: keys come from st.
	h := server.New(server.Config{Store: failingStore{st}, Admin: st.(graph.AdminStore), Logger: zerolog.New(&logs),
		Auth: &server.Auth{}, Limits: server.Limits{RateLimit: rate.Inf}}).Handler()
	ts := httptest.NewServer(h)
	defer ts.Close()

	doAs(t, ts.URL, secret, `{ people { totalCount } }`, nil, nil)
	doAs(t, ts.URL, secret+"x", `{ people { totalCount } }`, nil, nil)
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	var withCaller, internal, failed int
	for _, l := range lines {
		if strings.Contains(l, secret[len("pgk_"):len("pgk_")+10]) {
			t.Errorf("log line holds the key's secret: %s", l)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		switch m["message"] {
		case "internal error":
			internal++
		case "authentication failed":
			failed++
			continue
		}
		if m["caller"] == "key:"+k.ID {
			withCaller++
		} else if m["message"] != "request" || m["status"] != float64(http.StatusUnauthorized) {
			t.Errorf("log line without the caller: %s", l)
		}
	}
	if internal != 1 || failed != 1 || withCaller < 2 {
		t.Errorf("%d internal errors, %d failed authentications, %d lines with the caller; want 1, 1, ≥ 2:\n%s",
			internal, failed, withCaller, logs.String())
	}
}

// TestReplicasShareKeys runs two servers, each with its own connection to
// one Neo4j database, as replicas behind a load balancer would: a key made
// on one works on the other, and a revocation on one holds on both at once.
func TestReplicasShareKeys(t *testing.T) {
	a := neo4jtest.Open(t)
	b, err := neo4j.Open(context.Background(), neo4jtest.Config())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	admin, _ := mintKey(t, a, graph.AccessAdmin)
	tsA, tsB := authServer(t, a, &server.Auth{}, nil), authServer(t, b, &server.Auth{}, nil)
	var created struct {
		CreateApiKey struct {
			Secret string
			Key    struct{ ID string }
		}
	}
	doAs(t, tsA.URL, admin, `mutation { createApiKey(role: VIEWER) { secret key { id } } }`, nil, &created)
	k := created.CreateApiKey
	if status, _, r := doAs(t, tsB.URL, k.Secret, `{ people { totalCount } }`, nil, nil); status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("key made on replica A, used on B: status %d, errors %+v", status, r.Errors)
	}
	doAs(t, tsA.URL, admin, `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, map[string]any{"id": k.Key.ID}, nil)
	if status, _, _ := doAs(t, tsB.URL, k.Secret, `{ people { totalCount } }`, nil, nil); status != http.StatusUnauthorized {
		t.Errorf("key revoked on replica A, used on B: status %d, want 401", status)
	}
}

// TestFailedAuthenticationsThrottled: an address that keeps failing to
// authenticate is refused with 429 before its credentials are looked up;
// other addresses are not affected.
func TestFailedAuthenticationsThrottled(t *testing.T) {
	st := openStore(t)
	good, _ := mintKey(t, st, graph.AccessViewer)
	ts, clock := clockedServer(t, st, server.Config{Auth: &server.Auth{},
		Limits: server.Limits{RateLimit: rate.Inf, RateLimitLoopback: true}})
	attempt := func(c *http.Client, credential string) (int, http.Header) {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", strings.NewReader(`{"query":"{ me { subject } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+credential)
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode, res.Header
	}
	attacker, other := clientFrom("127.0.0.1"), clientFrom("127.0.0.2")
	for i := range 20 {
		if status, _ := attempt(attacker, fmt.Sprint("pgk_guess", i)); status != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401", i, status)
		}
	}
	status, h2 := attempt(attacker, "pgk_guess-again")
	if status != http.StatusTooManyRequests || h2.Get("Retry-After") != "1" {
		t.Errorf("after 20 failures: status %d, Retry-After %q; want 429 after 1 (s)", status, h2.Get("Retry-After"))
	}
	// One failure a second is allowed after the burst.
	clock.advance(time.Second)
	if status, _ := attempt(attacker, "pgk_guess-later"); status != http.StatusUnauthorized {
		t.Errorf("a second later: status %d, want 401", status)
	}
	if status, _ := attempt(attacker, "pgk_guess-at-once"); status != http.StatusTooManyRequests {
		t.Errorf("a second later, the second failure: status %d, want 429", status)
	}
	if status, _ := attempt(other, good); status != http.StatusOK {
		t.Errorf("another address with a good key: status %d, want 200", status)
	}
	if status, _ := attempt(other, "pgk_wrong"); status != http.StatusUnauthorized {
		t.Errorf("another address with a bad key: status %d, want 401", status)
	}
}

// TestFailedAuthenticationsBehindProxy: with a same-host reverse proxy
// trusted, each client it forwards for has its own failure budget — the
// proxy's loopback address no longer exempts them all.
func TestFailedAuthenticationsBehindProxy(t *testing.T) {
	st := openStore(t)
	ts, _ := clockedServer(t, st, server.Config{Auth: &server.Auth{},
		Limits: server.Limits{RateLimit: rate.Inf, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}})
	attempt := func(forwardedFor, credential string) int {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", strings.NewReader(`{"query":"{ me { subject } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+credential)
		req.Header.Set("X-Forwarded-For", forwardedFor)
		res, err := clientFrom("127.0.0.1").Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for i := range 20 {
		if status := attempt("198.51.100.9", fmt.Sprint("pgk_guess", i)); status != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401", i, status)
		}
	}
	if status := attempt("198.51.100.9", "pgk_guess-again"); status != http.StatusTooManyRequests {
		t.Errorf("the proxied attacker after 20 failures: status %d, want 429", status)
	}
	if status := attempt("198.51.100.10", "pgk_wrong"); status != http.StatusUnauthorized {
		t.Errorf("another client behind the proxy: status %d, want 401", status)
	}
}
