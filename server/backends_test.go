package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/neo4j/neo4jtest"
)

// TestBackendsAnswerAlike serves the demo network from the embedded store
// and from Neo4j and checks the same GraphQL queries get the same answers.
func TestBackendsAnswerAlike(t *testing.T) {
	embedded, _ := demo(t, openStore)
	neo, _ := demo(t, func(t *testing.T) graph.Store { return neo4jtest.Open(t) })
	school, researcher := actorID("croxteth-community-primary-school"), actorID("tina-cook")
	for name, query := range map[string]string{
		"organisations": `{ organisations(first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id key name type sector region revision
			parent { key } members { key } participations { role programme { key } }
			links(first: 100) { totalCount nodes { id key revision type directed weight from to source { key } target { key } programme { key } brokeredBy { key } evidence { source quote note } } } } } } }`,
		"people":     `{ people(first: 100) { totalCount nodes { key name revision title roles organisations { key } brokered { totalCount } } } }`,
		"programmes": `{ programmes(first: 100) { totalCount nodes { key name revision aims start end tags participants { role actor { key } } links { totalCount } } } }`,
		"search":     `{ actors(search: "liverpool", first: 20) { totalCount nodes { key } } }`,
		"analytics": `{ networkSummary { actors links ties density components largestComponent crossSectorLinkShare topBrokers(first: 10) { rank score actor { key } } }
			brokerageRoles(first: 10) { actor { key } total z { total } } cutpoints { key } bridges { source { key } target { key } } }`,
		"paths": `{ knowledgePaths(from: "` + school + `", to: "` + researcher + `", k: 5) { hops cost actors { key } steps { link { key } } }
			timed: knowledgePaths(from: "` + researcher + `", to: "` + school + `", timeRespecting: true) { actors { key } steps { day } }
			introducers(from: "` + school + `", to: "` + researcher + `") { actor { key } share } }`,
		"aggregates": `{ actorsAggregate(groupBy: [KIND, TYPE, SECTOR, REGION]) { keys count }
			parents: actorsAggregate(filter: {kinds: [ORGANISATION]}, groupBy: [PARENT]) { keys count }
			linksAggregate(groupBy: [TYPE, QUARTER, PROGRAMME]) { keys count weightSum weightAvg weightMin weightMax first last }
			sectors: linksAggregate(filter: {activeFrom: "2018-01-01"}, groupBy: [SOURCE_SECTOR, TARGET_SECTOR, BROKER, MONTH]) { keys count first last }
			networkSeries(from: "2016-09-01", to: "2020-08-31", interval: ACADEMIC_YEAR) { from to summary { actors links density components crossSectorLinkShare topBrokers(first: 3) { rank actor { key } } } } }`,
		"sortfilter": `{ unis: organisations(where: {type: {in: [UNIVERSITY, RESEARCH_CENTRE]}}, orderBy: [{field: DEGREE, direction: DESC}], first: 5) {
				totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { key } } }
			dated: actors(where: {linksSome: {from: {gt: "2018-09-01"}, other: {kind: {eq: ORGANISATION}}}}, orderBy: [{field: DEGREE}], last: 10) { totalCount nodes { key } }
			ke: organisations(where: {linksSome: {type: {eq: KNOWLEDGE_EXCHANGE}, other: {type: {eq: UNIVERSITY}}}}) { totalCount nodes { key } }
			named: actors(where: {OR: [{name: {contains: "LIVERPOOL"}}, {name: {startsWith: "the"}}], NOT: {kind: {eq: PERSON}}}, orderBy: [{field: NAME, direction: DESC}], last: 5) {
				totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { key name } } }
			programmes(where: {activeFrom: "2019-01-01"}, orderBy: [{field: START}, {field: END, direction: DESC}], last: 3) {
				totalCount pageInfo { hasNextPage hasPreviousPage } edges { cursor node { key start end } } }
			links(where: {weight: {gte: 1}, target: {kind: {eq: ORGANISATION}}, NOT: {to: {lt: "2019-01-01"}}}, orderBy: [{field: FROM, direction: DESC}, {field: WEIGHT}], first: 20) {
				totalCount pageInfo { hasNextPage } edges { cursor node { key from weight } } }
			linksAggregate(where: {target: {sector: {startsWith: "HIGHER"}}}, groupBy: [TYPE]) { keys count }
			byMetric: organisations(where: {sector: {contains: "education"}}, orderByMetric: {metric: CONSTRAINT}, last: 5) {
				totalCount pageInfo { hasPreviousPage startCursor } nodes { key } } }`,
		"communities": `{ communities { modularity count communities(first: 100) { id size sectors actors(first: 100) { key } } }
			louvain: communities(algorithm: LOUVAIN, resolution: 2, seed: 7) { modularity count }
			brokerageRoles(groupBy: COMMUNITY, first: 10) { actor { key } group total }
			communityBridges(first: 100) { communities ties cut remainingTies links { key evidence { source quote } } brokers { actor { key } ties }
				remainingLinks { key } remainingBrokers { actor { key } ties } }
			empty: communities(scope: {programmeId: "london-challenge"}) { modularity count } }`,
		"communityHistory": `{ communityHistory(from: "2018-09-01", to: "2021-08-31", step: ACADEMIC_YEAR) { from to modularity died
			communities { id size event predecessors jaccard members(first: 100) { key } } } }`,
	} {
		t.Run(name, func(t *testing.T) {
			a, b := raw(t, embedded.URL, query), raw(t, neo.URL, query)
			if !bytes.Equal(a, b) {
				t.Errorf("embedded and Neo4j differ:\nembedded: %.600s\nneo4j:    %.600s", a, b)
			}
		})
	}
}

// raw returns a query's whole response body, failing on GraphQL errors.
func raw(t *testing.T, url, query string) []byte {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	res, err := http.Post(url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(res.Body)
	var r response
	if err := json.Unmarshal(buf.Bytes(), &r); err != nil || len(r.Errors) > 0 {
		t.Fatalf("query failed: %v %s", err, buf.Bytes())
	}
	return buf.Bytes()
}
