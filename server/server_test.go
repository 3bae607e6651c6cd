package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/neo4j/neo4jtest"
	"github.com/partnergraph/partnergraph/graph/sqlite"
	"github.com/partnergraph/partnergraph/server"
	"github.com/rs/zerolog"
	"github.com/vikstrous/dataloadgen"
)

// response is a GraphQL response with errors kept for assertions.
type response struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (r *response) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

func openStore(t *testing.T) graph.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// onStores runs a test against each backend: the embedded store and a real
// Neo4j (skipped without one, failed under CI=true).
func onStores(t *testing.T, test func(*testing.T, func(*testing.T) graph.Store)) {
	t.Run("embedded", func(t *testing.T) { test(t, openStore) })
	t.Run("neo4j", func(t *testing.T) {
		test(t, func(t *testing.T) graph.Store { return neo4jtest.Open(t) })
	})
}

func newServer(t testing.TB, s graph.Store) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(server.New(server.Config{Store: s, Logger: zerolog.Nop()}).Handler())
	t.Cleanup(ts.Close)
	return ts
}

// do posts a GraphQL request and decodes the response into out (if not nil).
func do(t *testing.T, url, query string, vars map[string]any, out any) *response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	res, err := http.Post(url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var r response
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		t.Fatalf("decode response (status %d): %v", res.StatusCode, err)
	}
	if out != nil && len(r.Data) > 0 && string(r.Data) != "null" {
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Fatalf("decode data %s: %v", r.Data, err)
		}
	}
	return &r
}

func ok(t *testing.T, r *response) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("unexpected errors: %+v", r.Errors)
	}
}

func TestCRUD(t *testing.T) { onStores(t, testCRUD) }

func testCRUD(t *testing.T, openStore func(*testing.T) graph.Store) {
	ts := newServer(t, openStore(t))
	var org struct {
		CreateOrganisation struct{ ID, Key, Name, Type string }
	}
	ok(t, do(t, ts.URL, `mutation { createOrganisation(input: {key: "hope", name: "Liverpool Hope University", type: UNIVERSITY, sector: "Higher education"}) { id key name type } }`, nil, &org))
	if org.CreateOrganisation.Type != "UNIVERSITY" || org.CreateOrganisation.Key != "hope" {
		t.Fatalf("created organisation = %+v", org.CreateOrganisation)
	}
	uni := org.CreateOrganisation.ID
	var centre struct{ CreateOrganisation struct{ ID string } }
	ok(t, do(t, ts.URL, `mutation($p: ID) { createOrganisation(input: {key: "cepa", name: "CEPA", type: RESEARCH_CENTRE, parentId: $p}) { id } }`, map[string]any{"p": uni}, &centre))
	var person struct{ CreatePerson struct{ ID string } }
	ok(t, do(t, ts.URL, `mutation { createPerson(input: {key: "alice", name: "Alice Adams", title: "Dr", roles: ["researcher"]}) { id } }`, nil, &person))
	var prog struct{ CreateProgramme struct{ ID, Start string } }
	ok(t, do(t, ts.URL, `mutation { createProgramme(input: {key: "hc", name: "Hope Challenge", start: "2018-09-01", tags: ["collaboration"]}) { id start } }`, nil, &prog))
	if prog.CreateProgramme.Start != "2018-09-01" {
		t.Errorf("programme start = %q", prog.CreateProgramme.Start)
	}
	var link struct {
		CreateLink struct {
			ID, From   string
			Weight     float64
			BrokeredBy struct{ Name string }
		}
	}
	ok(t, do(t, ts.URL, `mutation($a: ID!, $c: ID!, $u: ID!, $p: ID) { createLink(input: {type: AFFILIATION, sourceId: $a, targetId: $c, directed: true,
		weight: 2, from: "2019-01-01", programmeId: $p, brokeredById: $u, evidence: {source: "doc", quote: "Alice works at CEPA"}}) { id from weight brokeredBy { name } } }`,
		map[string]any{"a": person.CreatePerson.ID, "c": centre.CreateOrganisation.ID, "u": uni, "p": prog.CreateProgramme.ID}, &link))
	if link.CreateLink.Weight != 2 || link.CreateLink.From != "2019-01-01" || link.CreateLink.BrokeredBy.Name != "Liverpool Hope University" {
		t.Errorf("created link = %+v", link.CreateLink)
	}
	ok(t, do(t, ts.URL, `mutation($a: ID!, $p: ID!) { setParticipation(input: {actorId: $a, programmeId: $p, role: LEAD}) { role } }`,
		map[string]any{"a": uni, "p": prog.CreateProgramme.ID}, nil))

	// Read it back through every relationship.
	var got struct {
		Actor struct {
			Name          string
			Organisations []struct{ Name string }
			Links         struct {
				TotalCount int
				Nodes      []struct {
					Type   string
					Source struct{ Key string }
					Target struct {
						Key    string
						Parent struct{ Key string }
					}
					Programme struct{ Key string }
					Evidence  struct{ Quote string }
				}
			}
		}
		Programme struct {
			Participants []struct {
				Role  string
				Actor struct{ Key string }
			}
			Links struct{ TotalCount int }
		}
	}
	ok(t, do(t, ts.URL, `{ actor(key: "alice") { name ... on Person { organisations { name } }
		links { totalCount nodes { type source { key } target { key ... on Organisation { parent { key } } } programme { key } evidence { quote } } } }
		programme(key: "hc") { participants { role actor { key } } links { totalCount } } }`, nil, &got))
	l := got.Actor.Links.Nodes
	if got.Actor.Links.TotalCount != 1 || l[0].Target.Key != "cepa" || l[0].Target.Parent.Key != "hope" || l[0].Programme.Key != "hc" ||
		l[0].Evidence.Quote != "Alice works at CEPA" || len(got.Actor.Organisations) != 1 {
		t.Errorf("actor read back = %+v", got.Actor)
	}
	if len(got.Programme.Participants) != 1 || got.Programme.Participants[0].Actor.Key != "hope" || got.Programme.Links.TotalCount != 1 {
		t.Errorf("programme read back = %+v", got.Programme)
	}

	// node(id:) resolves every kind.
	var nodes struct{ Nodes []map[string]any }
	ok(t, do(t, ts.URL, `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`,
		map[string]any{"ids": []string{uni, person.CreatePerson.ID, prog.CreateProgramme.ID, link.CreateLink.ID, "unknown"}}, &nodes))
	var types []string
	for _, n := range nodes.Nodes {
		if n == nil {
			types = append(types, "null")
			continue
		}
		types = append(types, n["__typename"].(string))
	}
	if strings.Join(types, ",") != "Organisation,Person,Programme,Link,null" {
		t.Errorf("node types = %v", types)
	}

	// Update with null clears; omitted fields stay.
	var upd struct {
		UpdateOrganisation struct {
			Parent *struct{ Key string }
			Name   string
		}
	}
	ok(t, do(t, ts.URL, `mutation($c: ID!) { updateOrganisation(input: {id: $c, parentId: null}) { name parent { key } } }`,
		map[string]any{"c": centre.CreateOrganisation.ID}, &upd))
	if upd.UpdateOrganisation.Parent != nil || upd.UpdateOrganisation.Name != "CEPA" {
		t.Errorf("after clearing parent = %+v", upd.UpdateOrganisation)
	}

	// Deleting a person removes their links.
	ok(t, do(t, ts.URL, `mutation($a: ID!) { deletePerson(id: $a) }`, map[string]any{"a": person.CreatePerson.ID}, nil))
	var after struct{ Links struct{ TotalCount int } }
	ok(t, do(t, ts.URL, `{ links { totalCount } }`, nil, &after))
	if after.Links.TotalCount != 0 {
		t.Errorf("links after deleting their person = %d", after.Links.TotalCount)
	}
}

func TestBadInputChangesNothing(t *testing.T) { onStores(t, testBadInputChangesNothing) }

func testBadInputChangesNothing(t *testing.T, openStore func(*testing.T) graph.Store) {
	s := openStore(t)
	ts := newServer(t, s)
	var p struct{ CreatePerson struct{ ID string } }
	ok(t, do(t, ts.URL, `mutation { createPerson(input: {key: "alice", name: "Alice"}) { id } }`, nil, &p))
	for _, tc := range []struct {
		name, query, code, field string
	}{
		{"ErrMalformed", `{ actors(first: 3 { id } }`, "GRAPHQL_PARSE_FAILED", ""},
		{"ErrUnknownField", `{ actors { edges { node { salary } } } }`, "GRAPHQL_VALIDATION_FAILED", ""},
		{"ErrNameRequired", `mutation { createPerson(input: {key: "bob", name: " "}) { id } }`, graph.EINVALID, "name"},
		{"ErrKeyTaken", `mutation { createPerson(input: {key: "alice", name: "Alice Again"}) { id } }`, graph.ECONFLICT, "key"},
		{"ErrLinkToMissingActor", `mutation { createLink(input: {type: COLLABORATION, sourceId: "` + p.CreatePerson.ID + `", targetId: "QWN0b3I6bm9ib2R5"}) { id } }`, graph.ENOTFOUND, "targetId"},
		{"ErrUnknownID", `mutation { updatePerson(input: {id: "QWN0b3I6bm9ib2R5", name: "X"}) { id } }`, graph.ENOTFOUND, "id"},
		{"ErrWrongKind", `mutation { deleteOrganisation(id: "` + p.CreatePerson.ID + `") }`, graph.ENOTFOUND, "id"},
		{"ErrBadDate", `mutation { createProgramme(input: {key: "p", name: "P", start: "2020-02-30"}) { id } }`, graph.EINVALID, ""},
		{"ErrEndBeforeStart", `mutation { createProgramme(input: {key: "p", name: "P", start: "2020-02-01", end: "2019-01-01"}) { id } }`, graph.EINVALID, "end"},
		{"ErrNegativeWeight", `mutation { createLink(input: {type: COLLABORATION, sourceId: "` + p.CreatePerson.ID + `", targetId: "` + p.CreatePerson.ID + `", weight: -1}) { id } }`, graph.EINVALID, ""},
		{"ErrPageTooBig", `{ actors(first: 100000) { totalCount } }`, graph.EINVALID, "first"},
		{"ErrBadCursor", `{ actors(after: "nonsense") { totalCount } }`, graph.EINVALID, "after"},
		{"ErrWhereTooDeep", `{ actors(where: {NOT: {NOT: {NOT: {NOT: {NOT: {NOT: {name: {eq: "x"}}}}}}}}) { totalCount } }`, graph.EINVALID, "where.NOT.NOT.NOT.NOT.NOT.NOT"},
		{"ErrWhereBadDate", `{ links(where: {OR: [{key: {eq: "k"}}, {from: {gt: "2020-02-30"}}]}) { totalCount } }`, graph.EINVALID, ""},
		{"ErrWhereEmptyIn", `{ programmes(where: {OR: [{key: {eq: "k"}}, {name: {in: []}}]}) { totalCount } }`, graph.EINVALID, "where.OR[1].name.in"},
		{"ErrOtherOrdersCursor", `{ actors(orderBy: [{field: DEGREE}], after: "WyJBbGljZSIsIlFXTjBiM0k2WVd4cFkyVSJd") { totalCount } }`, graph.EINVALID, "after"},
		{"ErrFirstAndLast", `{ links(first: 2, last: 2) { totalCount } }`, graph.EINVALID, "last"},
		{"ErrTooManyOrderKeys", `{ links(orderBy: [{field: TYPE}, {field: FROM}, {field: TO}, {field: WEIGHT}]) { totalCount } }`, graph.EINVALID, "orderBy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v0, _ := s.Version(context.Background())
			r := do(t, ts.URL, tc.query, nil, nil)
			if r.code() != tc.code {
				t.Fatalf("code = %q (%+v), want %q", r.code(), r.Errors, tc.code)
			}
			if f, _ := r.Errors[0].Extensions["field"].(string); tc.field != "" && f != tc.field {
				t.Errorf("field = %q, want %q", f, tc.field)
			}
			if r.Errors[0].Message == "" || r.Errors[0].Message == "internal error" {
				t.Errorf("message %q does not say what was wrong", r.Errors[0].Message)
			}
			if v, _ := s.Version(context.Background()); v != v0 {
				t.Errorf("store version moved from %d to %d", v0, v)
			}
		})
	}
}

func TestPagination(t *testing.T) { onStores(t, testPagination) }

func testPagination(t *testing.T, openStore func(*testing.T) graph.Store) {
	s := openStore(t)
	ts := newServer(t, s)
	b := &graph.Batch{}
	for i := range 25 {
		b.Actors = append(b.Actors, &graph.Actor{Key: fmt.Sprintf("p%02d", i), Kind: graph.KindPerson, Name: fmt.Sprintf("Person %02d", i)})
	}
	if _, err := graph.Apply(context.Background(), s, b); err != nil {
		t.Fatal(err)
	}
	var keys []string
	after := any(nil)
	for range 10 {
		var page struct {
			Actors struct {
				TotalCount int
				Edges      []struct {
					Cursor string
					Node   struct{ Key string }
				}
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		ok(t, do(t, ts.URL, `query($after: String) { actors(first: 10, after: $after) { totalCount edges { cursor node { key } } pageInfo { hasNextPage endCursor } } }`,
			map[string]any{"after": after}, &page))
		if page.Actors.TotalCount != 25 {
			t.Fatalf("totalCount = %d", page.Actors.TotalCount)
		}
		for _, e := range page.Actors.Edges {
			keys = append(keys, e.Node.Key)
		}
		if !page.Actors.PageInfo.HasNextPage {
			break
		}
		after = page.Actors.PageInfo.EndCursor
	}
	if len(keys) != 25 || keys[0] != "p00" || keys[24] != "p24" {
		t.Errorf("paged keys = %v", keys)
	}
	// Backwards from the end in the reverse order: the same actors.
	var back []string
	before := any(nil)
	for range 10 {
		var page struct {
			People struct {
				Nodes    []struct{ Key string }
				PageInfo struct {
					HasPreviousPage, HasNextPage bool
					StartCursor                  string
				}
			}
		}
		ok(t, do(t, ts.URL, `query($before: String) { people(orderBy: [{field: NAME, direction: DESC}], last: 10, before: $before) {
			nodes { key } pageInfo { hasPreviousPage hasNextPage startCursor } } }`, map[string]any{"before": before}, &page))
		if page.People.PageInfo.HasNextPage != (before != nil) {
			t.Errorf("hasNextPage = %v before %v", page.People.PageInfo.HasNextPage, before)
		}
		for i := len(page.People.Nodes) - 1; i >= 0; i-- {
			back = append(back, page.People.Nodes[i].Key)
		}
		if !page.People.PageInfo.HasPreviousPage {
			break
		}
		before = page.People.PageInfo.StartCursor
	}
	if !slices.Equal(back, keys) {
		t.Errorf("paged backwards in descending order = %v, want %v", back, keys)
	}
}

// countingStore counts calls to each store method, to prove batched loading.
type countingStore struct {
	graph.Store
	mu    sync.Mutex
	calls map[string]int
}

func (c *countingStore) count(name string) {
	c.mu.Lock()
	c.calls[name]++
	c.mu.Unlock()
}

func (c *countingStore) ActorsByID(ctx context.Context, ids []string) ([]*graph.Actor, error) {
	c.count("ActorsByID")
	return c.Store.ActorsByID(ctx, ids)
}

func (c *countingStore) ProgrammesByID(ctx context.Context, ids []string) ([]*graph.Programme, error) {
	c.count("ProgrammesByID")
	return c.Store.ProgrammesByID(ctx, ids)
}

func (c *countingStore) FindActors(ctx context.Context, f graph.ActorFilter, p graph.PageArgs) (*graph.Page[*graph.Actor], error) {
	c.count("FindActors")
	return c.Store.FindActors(ctx, f, p)
}

func (c *countingStore) LinksOfActors(ctx context.Context, ids []string, f graph.LinkFilter) ([][]*graph.Link, error) {
	c.count("LinksOfActors")
	return c.Store.LinksOfActors(ctx, ids, f)
}

func (c *countingStore) UnitPages(ctx context.Context, ids []string, p graph.PageArgs) ([]*graph.Page[*graph.Actor], error) {
	c.count("UnitPages")
	return c.Store.UnitPages(ctx, ids, p)
}

func (c *countingStore) LinkPages(ctx context.Context, owner graph.LinkOwner, ids []string, f graph.LinkFilter, p graph.PageArgs) ([]*graph.Page[*graph.Link], error) {
	c.count("LinkPages")
	return c.Store.LinkPages(ctx, owner, ids, f, p)
}

func (c *countingStore) FindLinks(ctx context.Context, f graph.LinkFilter, p graph.PageArgs) (*graph.Page[*graph.Link], error) {
	c.count("FindLinks")
	return c.Store.FindLinks(ctx, f, p)
}

func (c *countingStore) ParticipationsOf(ctx context.Context, ids []string) ([][]*graph.Participation, error) {
	c.count("ParticipationsOf")
	return c.Store.ParticipationsOf(ctx, ids)
}

// TestBatchedLoading proves a page of actors with their links, the links'
// ends, programmes and the actors' participations costs one store call per
// kind of read however many actors the page holds (unbatched, 100 actors
// would cost over 1,500: per actor its links, brokered links, units and
// participations, their programmes and the programmes' links; per link its
// two ends and programme).
//
// Served loaders send a batch 3 ms after its first key, so how many batches
// a page takes depends on how fast the resolvers run: on a loaded machine
// the window can close before every actor's resolver has asked. The test
// therefore builds its loaders to send a batch as soon as it holds n keys
// (and after a minute at the latest): the network is made so that every
// loader is asked for exactly n distinct keys — n organisations, each with
// its own programme — so each sends exactly one batch, whatever the
// scheduling. A resolver that reads the store directly or a whole list, or
// a loader keyed by something other than the ID, still shows up as more
// calls.
func TestBatchedLoading(t *testing.T) { onStores(t, testBatchedLoading) }

func testBatchedLoading(t *testing.T, openStore func(*testing.T) graph.Store) {
	for _, n := range []int{10, 100} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s := &countingStore{Store: openStore(t), calls: map[string]int{}}
			key := func(kind string, i int) string { return fmt.Sprintf("%s%03d", kind, (i+n)%n) }
			b := &graph.Batch{}
			for i := range n {
				actor, prog := graph.NewID(graph.KindActor, key("a", i)), graph.NewID(graph.KindProgramme, key("p", i))
				b.Programmes = append(b.Programmes, &graph.Programme{Key: key("p", i), Name: "Programme " + key("p", i)})
				// Organisations, all but the first its units.
				a := &graph.Actor{Key: key("a", i), Kind: graph.KindOrganisation, OrgType: graph.OrgOther, Name: "Actor " + key("a", i)}
				if i > 0 {
					a.ParentID = graph.NewID(graph.KindActor, key("a", 0))
				}
				b.Actors = append(b.Actors, a)
				b.Participations = append(b.Participations, &graph.Participation{ActorID: actor, ProgrammeID: prog})
				for _, d := range []int{1, 7} {
					b.Links = append(b.Links, &graph.Link{Type: graph.LinkCollaboration, ProgrammeID: prog,
						SourceID: actor, TargetID: graph.NewID(graph.KindActor, key("a", i+d))})
				}
			}
			if _, err := graph.Apply(context.Background(), s, b); err != nil {
				t.Fatal(err)
			}
			cfg := server.WithLoaderOptions(server.Config{Store: s, Logger: zerolog.Nop()},
				dataloadgen.WithBatchCapacity(n), dataloadgen.WithWait(time.Minute))
			ts := httptest.NewServer(server.New(cfg).Handler())
			t.Cleanup(ts.Close)
			var got struct {
				Actors struct {
					Nodes []struct {
						Links struct {
							Nodes []struct {
								Source, Target struct{ Name string }
								Programme      struct{ Name string }
							}
						}
						Brokered       struct{ TotalCount int }
						Units          struct{ TotalCount int }
						Participations []struct {
							Programme struct {
								Name  string
								Links struct{ TotalCount int }
							}
						}
					}
				}
			}
			ok(t, do(t, ts.URL, `query($n: Int) { actors(first: $n) { nodes { links(first: 3) { nodes { source { name } target { name } programme { name } } }
				brokered(first: 2) { totalCount } ... on Organisation { units(first: 2) { totalCount } } participations { programme { name links(first: 1) { totalCount } } } } } }`, map[string]any{"n": n}, &got))
			if a := got.Actors.Nodes; len(a) != n || len(a[n-1].Links.Nodes) != 3 || a[0].Links.Nodes[0].Programme.Name == "" ||
				a[0].Participations[0].Programme.Links.TotalCount != 2 || a[0].Brokered.TotalCount != 0 || a[0].Units.TotalCount != n-1 {
				t.Fatalf("query returned %d actors, want %d with 3 links each, 2 in each programme, %d units of the first", len(a), n, n-1)
			}
			// Links of actors, of brokers and of programmes: three batches of pages.
			want := map[string]int{"FindActors": 1, "LinkPages": 3, "UnitPages": 1, "ParticipationsOf": 1, "ActorsByID": 1, "ProgrammesByID": 1}
			if diff := cmp.Diff(want, s.calls); diff != "" {
				t.Errorf("store calls for %d actors (-want +got):\n%s", n, diff)
			}
		})
	}
}

func TestProbesAndGraphiQL(t *testing.T) {
	ts := newServer(t, openStore(t))
	for path, want := range map[string]string{
		"/healthz": "ok", "/readyz": "ready", "/": "graphiql", "/graphiql/graphiql.min.js": "GraphiQL",
	} {
		res, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET %s = %d, body without %q", path, res.StatusCode, want)
		}
		if res.Header.Get("X-Request-ID") == "" {
			t.Errorf("GET %s: no X-Request-ID", path)
		}
	}
	// The GraphiQL page loads nothing from the internet.
	res, _ := http.Get(ts.URL + "/")
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if strings.Contains(string(page), "https://") {
		t.Errorf("GraphiQL page refers to the internet")
	}
}

func TestReadyzWhenStoreDown(t *testing.T) {
	s, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ts := newServer(t, s)
	s.Close()
	res, err := http.Get(ts.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz with closed store = %d, want 503", res.StatusCode)
	}
}

func TestKeysNormalisedToNFC(t *testing.T) { onStores(t, testKeysNormalisedToNFC) }

// testKeysNormalisedToNFC: "café" typed precomposed (U+00E9) and decomposed
// (e + U+0301) is one key, whichever form creates it or looks it up.
func testKeysNormalisedToNFC(t *testing.T, openStore func(*testing.T) graph.Store) {
	const nfc, nfd = "caf\u00e9", "cafe\u0301"
	ts := newServer(t, openStore(t))
	var p struct{ CreatePerson struct{ ID, Key string } }
	ok(t, do(t, ts.URL, `mutation($k: String!) { createPerson(input: {key: $k, name: "Café"}) { id key } }`, map[string]any{"k": nfd}, &p))
	if p.CreatePerson.Key != nfc {
		t.Errorf("created key = %+q, want the NFC %+q", p.CreatePerson.Key, nfc)
	}
	r := do(t, ts.URL, `mutation($k: String!) { createPerson(input: {key: $k, name: "Café Again"}) { id } }`, map[string]any{"k": nfc}, nil)
	if r.code() != graph.ECONFLICT {
		t.Errorf("second create by the NFC key: code %q (%+v), want %s", r.code(), r.Errors, graph.ECONFLICT)
	}
	var got struct{ Actor *struct{ ID string } }
	ok(t, do(t, ts.URL, `query($k: String!) { actor(key: $k) { id } }`, map[string]any{"k": nfd}, &got))
	if got.Actor == nil || got.Actor.ID != p.CreatePerson.ID {
		t.Errorf("actor(key: NFD) = %+v, want id %s", got.Actor, p.CreatePerson.ID)
	}
	// A reference by key (graph.RefID) in the other form finds it too.
	ok(t, do(t, ts.URL, `mutation { createPerson(input: {key: "bob", name: "Bob"}) { id } }`, nil, nil))
	ok(t, do(t, ts.URL, `mutation($s: ID!) { createLink(input: {type: COLLABORATION, sourceId: $s, targetId: "bob"}) { id } }`,
		map[string]any{"s": nfd}, nil))
}
