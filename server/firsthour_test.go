package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
)

// TestOpenDatesAreNull checks the schema's promise that an open-ended date
// is null: never "", which is not a Date.
func TestOpenDatesAreNull(t *testing.T) { onStores(t, testOpenDatesAreNull) }

func testOpenDatesAreNull(t *testing.T, openStore func(*testing.T) graph.Store) {
	ts, _ := demo(t, openStore)
	var data struct {
		Links      struct{ Nodes []struct{ From, To *string } }
		Programmes struct {
			Nodes []struct{ Start, End *string }
		}
	}
	ok(t, do(t, ts.URL, `{ links(first: 1000) { nodes { from to } } programmes(first: 1000) { nodes { start end } } }`, nil, &data))
	day := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	var dates []*string
	for _, l := range data.Links.Nodes {
		dates = append(dates, l.From, l.To)
	}
	for _, p := range data.Programmes.Nodes {
		dates = append(dates, p.Start, p.End)
	}
	nulls := 0
	for _, d := range dates {
		switch {
		case d == nil:
			nulls++
		case !day.MatchString(*d):
			t.Errorf("date %q is neither null nor YYYY-MM-DD", *d)
		}
	}
	if nulls == 0 || nulls == len(dates) {
		t.Errorf("%d of %d dates are null: the demo has both open and dated bounds", nulls, len(dates))
	}
}

// TestMutationsTakeKeys: a broker syncing from a spreadsheet names actors by
// key, and running the same sync twice changes nothing.
func TestMutationsTakeKeys(t *testing.T) { onStores(t, testMutationsTakeKeys) }

func testMutationsTakeKeys(t *testing.T, openStore func(*testing.T) graph.Store) {
	ts, _ := demo(t, openStore)
	create := `mutation { createLink(input: {type: KNOWLEDGE_EXCHANGE, sourceId: "croxteth-community-primary-school",
		targetId: "tina-cook", from: "2021-01-11", brokeredById: "liverpool-hope-university",
		evidence: {source: "minutes"}}) { id key source { key } target { key } brokeredBy { key } } }`
	var first struct {
		CreateLink struct {
			ID, Key                    string
			Source, Target, BrokeredBy struct{ Key string }
		}
	}
	ok(t, do(t, ts.URL, create, nil, &first))
	if l := first.CreateLink; l.Source.Key != "croxteth-community-primary-school" || l.Target.Key != "tina-cook" ||
		l.BrokeredBy.Key != "liverpool-hope-university" {
		t.Fatalf("createLink by keys = %+v", l)
	}
	r := do(t, ts.URL, create, nil, nil)
	if r.code() != graph.ECONFLICT || !strings.Contains(r.Errors[0].Message, "upsertLink") {
		t.Errorf("the same createLink again = %+v, want CONFLICT pointing to upsertLink", r.Errors)
	}

	upsert := strings.Replace(create, "createLink", "upsertLink", 1)
	var up struct{ UpsertLink struct{ ID string } }
	for range 2 {
		ok(t, do(t, ts.URL, upsert, nil, &up))
		if up.UpsertLink.ID != first.CreateLink.ID {
			t.Errorf("upsertLink id %s, want the created link %s", up.UpsertLink.ID, first.CreateLink.ID)
		}
	}
	var person struct{ UpsertPerson struct{ Name string } }
	for _, name := range []string{"Ann Example", "Ann Example"} {
		ok(t, do(t, ts.URL, `mutation($n: String!) { upsertPerson(input: {key: "ann-example", name: $n}) { name } }`,
			map[string]any{"n": name}, &person))
	}
	var upd struct{ UpdateLink struct{ Weight float64 } }
	ok(t, do(t, ts.URL, `mutation($k: ID!) { updateLink(input: {id: $k, weight: 3}) { weight } }`,
		map[string]any{"k": first.CreateLink.Key}, &upd))
	if upd.UpdateLink.Weight != 3 {
		t.Errorf("updateLink by key: weight %v", upd.UpdateLink.Weight)
	}
	r = do(t, ts.URL, `mutation { upsertLink(input: {type: COLLABORATION, sourceId: "nobody-at-all", targetId: "tina-cook"}) { id } }`, nil, nil)
	if r.code() == "" || !strings.Contains(r.Errors[0].Message, "nobody-at-all") {
		t.Errorf("upsertLink from an unknown key = %+v, want an error naming it", r.Errors)
	}
}

// TestGraphiQLOpensOnExample: a newcomer's first page shows a query that
// runs, not GraphiQL's welcome text.
func TestGraphiQLOpensOnExample(t *testing.T) {
	ts, _ := demo(t, openStore)
	res, err := http.Get(ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	query := res.Request.URL.Query().Get("query")
	if res.StatusCode != http.StatusOK || !strings.Contains(query, "brokers(") {
		t.Fatalf("GET / ended at %s (%d), want GraphiQL with the example query", res.Request.URL, res.StatusCode)
	}
	var data struct {
		Brokers []struct{ Actor struct{ Key string } }
	}
	ok(t, do(t, ts.URL, query, nil, &data))
	if len(data.Brokers) != 5 || data.Brokers[0].Actor.Key != "liverpool-hope-university" {
		t.Errorf("the example's brokers = %+v", data.Brokers)
	}
}

// TestEmptyPathsSayWhy: a Liverpool school and a Glasgow researcher are in
// different parts of the demo network; reachability says so, suggests an
// introduction, and recording that introduction opens the path it promised.
func TestEmptyPathsSayWhy(t *testing.T) { onStores(t, testEmptyPathsSayWhy) }

func testEmptyPathsSayWhy(t *testing.T, openStore func(*testing.T) graph.Store) {
	ts, _ := demo(t, openStore)
	const q = `{ knowledgePaths(from: "croxteth-community-primary-school", to: "chris-chapman") { hops }
		reachability(from: "croxteth-community-primary-school", to: "chris-chapman") {
			status message hops fromComponentSize toComponentSize introductions { a { key } b { key } hops } } }`
	type answer struct {
		KnowledgePaths []struct{ Hops int }
		Reachability   struct {
			Status, Message                    string
			Hops                               *int
			FromComponentSize, ToComponentSize int
			Introductions                      []struct {
				A, B struct{ Key string }
				Hops int
			}
		}
	}
	var before answer
	ok(t, do(t, ts.URL, q, nil, &before))
	r := before.Reachability
	if len(before.KnowledgePaths) != 0 || r.Status != "DIFFERENT_COMPONENTS" || r.Hops != nil || len(r.Introductions) == 0 ||
		!strings.Contains(r.Message, "different parts") {
		t.Fatalf("before: paths %v, reachability %+v", before.KnowledgePaths, r)
	}
	in := r.Introductions[0]
	ok(t, do(t, ts.URL, `mutation($a: ID!, $b: ID!) { createLink(input: {type: KNOWLEDGE_EXCHANGE, sourceId: $a, targetId: $b}) { id } }`,
		map[string]any{"a": in.A.Key, "b": in.B.Key}, nil))
	var after answer
	ok(t, do(t, ts.URL, q, nil, &after))
	if len(after.KnowledgePaths) != 1 || after.KnowledgePaths[0].Hops != in.Hops || after.Reachability.Status != "CONNECTED" {
		t.Errorf("after introducing %s to %s: paths %v, reachability %+v; want one path of %d hops",
			in.A.Key, in.B.Key, after.KnowledgePaths, after.Reachability, in.Hops)
	}
	var far struct{ Reachability struct{ Status string } }
	ok(t, do(t, ts.URL, `{ reachability(from: "croxteth-community-primary-school", to: "tina-cook", maxHops: 1) { status } }`, nil, &far))
	if far.Reachability.Status != "TOO_MANY_HOPS" {
		t.Errorf("school → Tina Cook within 1 hop: %s, want TOO_MANY_HOPS", far.Reachability.Status)
	}
}

// TestBridgedPairsPutWhatBreaksFirst: Liverpool Hope's first bridged pairs
// are ones no one else joins, across organisations, not two of its own
// departments (as alphabetical order gave).
func TestBridgedPairsPutWhatBreaksFirst(t *testing.T) {
	ts, _ := demo(t, openStore)
	var data struct {
		BrokerProfile struct {
			Default, ByName []struct {
				A, B                 struct{ Name string }
				CrossesOrganisations bool
				Alternatives         []struct{ Key string }
			}
		}
	}
	ok(t, do(t, ts.URL, `{ brokerProfile(actor: "liverpool-hope-university") {
		default: bridgedPairs(first: 5) { a { name } b { name } crossesOrganisations alternatives { key } }
		byName: bridgedPairs(first: 5, orderBy: NAME) { a { name } b { name } crossesOrganisations alternatives { key } } } }`, nil, &data))
	p := data.BrokerProfile
	if len(p.Default) != 5 || len(p.ByName) != 5 {
		t.Fatalf("pairs: %+v", p)
	}
	for _, pr := range p.Default {
		if len(pr.Alternatives) != 0 || !pr.CrossesOrganisations {
			t.Errorf("default order starts with %+v, want irreplaceable pairs across organisations", pr)
		}
	}
	for i := 1; i < len(p.ByName); i++ {
		if p.ByName[i-1].A.Name > p.ByName[i].A.Name {
			t.Errorf("NAME order: %q before %q", p.ByName[i-1].A.Name, p.ByName[i].A.Name)
		}
	}
}

// TestProgrammeScopeIsItsNetwork: a programme's scope is its participants
// and the ends of its links — not the 75 actors of the whole demo — and
// brokers there ranks only them.
func TestProgrammeScopeIsItsNetwork(t *testing.T) {
	ts, _ := demo(t, openStore)
	var data struct {
		NetworkSummary struct{ Actors, Links, Components int }
		Brokers        []struct {
			Actor struct{ Key string }
		}
		Programme struct {
			Participants []struct{ Actor struct{ Key string } }
			Links        struct {
				Nodes []struct{ Source, Target struct{ Key string } }
			}
		}
	}
	ok(t, do(t, ts.URL, `{ networkSummary(scope: {programmeId: "communiversity-dialogues-2020-21"}) { actors links components }
		brokers(scope: {programmeId: "communiversity-dialogues-2020-21"}, first: 1000) { actor { key } }
		programme(key: "communiversity-dialogues-2020-21") { participants { actor { key } }
			links(first: 100) { nodes { source { key } target { key } } } } }`, nil, &data))
	members := map[string]bool{}
	for _, p := range data.Programme.Participants {
		members[p.Actor.Key] = true
	}
	for _, l := range data.Programme.Links.Nodes {
		members[l.Source.Key], members[l.Target.Key] = true, true
	}
	if s := data.NetworkSummary; s.Actors != len(members) || s.Links == 0 || s.Actors >= 75 {
		t.Errorf("summary %+v, want the programme's %d actors", s, len(members))
	}
	if len(data.Brokers) != len(members) {
		t.Errorf("brokers ranks %d actors, want the programme's %d", len(data.Brokers), len(members))
	}
	for _, b := range data.Brokers {
		if !members[b.Actor.Key] {
			t.Errorf("brokers ranks %s, who has no part in the programme", b.Actor.Key)
		}
	}
}

// TestAliases: brokers search by the names people use — "ROC", "LHU" —
// and keep them up to date.
func TestAliases(t *testing.T) { onStores(t, testAliases) }

func testAliases(t *testing.T, openStore func(*testing.T) graph.Store) {
	ts, _ := demo(t, openStore)
	type found struct {
		Actors struct {
			Nodes []struct {
				Key     string
				Aliases []string
			}
		}
	}
	search := func(q string) []string {
		var f found
		ok(t, do(t, ts.URL, `query($q: String) { actors(search: $q) { nodes { key aliases } } }`, map[string]any{"q": q}, &f))
		var keys []string
		for _, n := range f.Actors.Nodes {
			keys = append(keys, n.Key)
		}
		return keys
	}
	if got := search("ROC"); len(got) != 1 || got[0] != "robert-owen-centre" {
		t.Errorf(`search "ROC" = %v, want the Robert Owen Centre`, got)
	}
	if got := search("LHU"); len(got) != 1 || got[0] != "liverpool-hope-university" {
		t.Errorf(`search "LHU" = %v, want Liverpool Hope University`, got)
	}
	ok(t, do(t, ts.URL, `mutation { updateOrganisation(input: {id: "university-of-glasgow", aliases: ["UofG", "Glasgow Uni"]}) { aliases } }`, nil, nil))
	if got := search("uofg"); len(got) != 1 || got[0] != "university-of-glasgow" {
		t.Errorf(`search "uofg" after adding the alias = %v`, got)
	}
	var p struct{ CreatePerson struct{ Aliases []string } }
	ok(t, do(t, ts.URL, `mutation { createPerson(input: {key: "kat", name: "Katherine Example", aliases: ["Kate", "Kate"]}) { aliases } }`, nil, &p))
	if len(p.CreatePerson.Aliases) != 1 {
		t.Errorf("aliases %v, want the repeat dropped", p.CreatePerson.Aliases)
	}
	var none struct{ Actor struct{ Aliases []string } }
	ok(t, do(t, ts.URL, `{ actor(key: "tina-cook") { aliases } }`, nil, &none))
	if none.Actor.Aliases == nil || len(none.Actor.Aliases) != 0 {
		t.Errorf("an actor without aliases reads %#v, want []", none.Actor.Aliases)
	}
	r := do(t, ts.URL, `mutation { createPerson(input: {key: "bad", name: "Bad", aliases: ["a\u0007b"]}) { key } }`, nil, nil)
	if r.code() != graph.EINVALID || r.Errors[0].Extensions["field"] != "aliases" {
		t.Errorf("a control character in an alias: %+v, want BAD_USER_INPUT on aliases", r.Errors)
	}
}

// TestCommunityBridgesOnDemo: each pair of the demo's communities joined by
// a tie, most fragile first, with what is left without its top bridge.
func TestCommunityBridgesOnDemo(t *testing.T) {
	ts, _ := demo(t, openStore)
	const q = `{ communityBridges(first: 100) { communities ties cut remainingTies links { key evidence { source } }
		brokers { actor { key } ties } remainingLinks { key } remainingBrokers { ties } } }`
	type broker struct {
		Actor struct{ Key string }
		Ties  int
	}
	var data struct {
		CommunityBridges []struct {
			Communities               []int
			Ties, RemainingTies       int
			Cut                       bool
			Links, RemainingLinks     []struct{ Key string }
			Brokers, RemainingBrokers []broker
		}
	}
	first := raw(t, ts.URL, q)
	if again := raw(t, ts.URL, q); string(again) != string(first) {
		t.Errorf("the same query answered differently:\n%s\n%s", first, again)
	}
	ok(t, do(t, ts.URL, q, nil, &data))
	bs := data.CommunityBridges
	if len(bs) == 0 {
		t.Fatal("no pair of communities joined by a tie on the demo")
	}
	for i, b := range bs {
		sum := func(bs []broker) (n int) {
			for _, x := range bs {
				n += x.Ties
			}
			return n
		}
		// Each tie has two ends; the top bridge holds the ties removed.
		if len(b.Communities) != 2 || b.Communities[0] >= b.Communities[1] || sum(b.Brokers) != 2*b.Ties ||
			b.Cut != (b.RemainingTies == 0) || b.RemainingTies != b.Ties-b.Brokers[0].Ties || len(b.Links) < b.Ties ||
			len(b.RemainingLinks) < b.RemainingTies {
			t.Errorf("pair %d inconsistent: %+v", i, b)
		}
		if i > 0 && b.RemainingTies < bs[i-1].RemainingTies {
			t.Errorf("pairs not most fragile first: %d then %d ties left", bs[i-1].RemainingTies, b.RemainingTies)
		}
	}
	if r := do(t, ts.URL, `{ communityBridges(first: 101) { ties } }`, nil, nil); r.code() != graph.EINVALID || r.Errors[0].Extensions["field"] != "first" {
		t.Errorf("first: 101: %+v, want BAD_USER_INPUT on first", r.Errors)
	}
}

// TestCommunitiesOnDemo: the groups the demo network forms itself, and who
// brokers between them.
func TestCommunitiesOnDemo(t *testing.T) {
	ts, _ := demo(t, openStore)
	const q = `{ communities { algorithm resolution seed modularity count communities(first: 3) { id size sectors actors(first: 3) { key } } }
		brokerageRoles(groupBy: COMMUNITY, first: 3) { actor { key } total }
		brokerProfile(actor: "liverpool-hope-university") { communities } }`
	var data struct {
		Communities struct {
			Algorithm   string
			Resolution  float64
			Modularity  float64
			Count       int
			Communities []struct {
				ID, Size int
				Sectors  []string
				Actors   []struct{ Key string }
			}
		}
		BrokerageRoles []struct {
			Actor struct{ Key string }
			Total float64
		}
		BrokerProfile struct{ Communities []int }
	}
	first := raw(t, ts.URL, q)
	if again := raw(t, ts.URL, q); string(again) != string(first) {
		t.Errorf("the same query answered differently:\n%s\n%s", first, again)
	}
	ok(t, do(t, ts.URL, q, nil, &data))
	c := data.Communities
	// The demo has 9 components, each at least one community.
	if c.Algorithm != "LEIDEN" || c.Resolution != 1 || c.Count < 9 || !(c.Modularity > 0.5) || len(c.Communities) != 3 {
		t.Fatalf("communities = %+v", c)
	}
	for i := 1; i < len(c.Communities); i++ {
		if c.Communities[i].Size > c.Communities[i-1].Size {
			t.Errorf("communities not largest first: %+v", c.Communities)
		}
	}
	if len(data.BrokerageRoles) == 0 || data.BrokerageRoles[0].Total == 0 {
		t.Errorf("brokerage by community = %+v", data.BrokerageRoles)
	}
	if len(data.BrokerProfile.Communities) < 2 {
		t.Errorf("Liverpool Hope spans communities %v, want several", data.BrokerProfile.Communities)
	}
	// A programme with no links (London Challenge has none in the demo):
	// modularity 0, each actor its own community.
	var none struct {
		Communities struct {
			Modularity  float64
			Count       int
			Communities []struct{ Size int }
		}
	}
	ok(t, do(t, ts.URL, `{ communities(scope: {programmeId: "london-challenge"}) { modularity count communities(first: 100) { size } } }`, nil, &none))
	if n := none.Communities; n.Modularity != 0 || len(n.Communities) != n.Count {
		t.Errorf("communities of a scope without links = %+v, want modularity 0", n)
	}
	for _, c := range none.Communities.Communities {
		if c.Size != 1 {
			t.Errorf("communities of a scope without links = %+v, want singletons", none.Communities)
		}
	}
	for _, bad := range []string{`{ communities(resolution: 0) { count } }`, `{ communities(seed: -1) { count } }`} {
		if r := do(t, ts.URL, bad, nil, nil); r.code() != graph.EINVALID {
			t.Errorf("%s: %+v, want BAD_USER_INPUT", bad, r.Errors)
		}
	}
}
