package server_test

import "testing"

// BenchmarkSortedLists answers sorted and filtered list queries 100 times
// each over HTTP on ca-HepTh (9,877 actors, 25,998 links) imported into
// the embedded store, and reports the 50th and 99th percentiles of the
// latency in ms and the process's CPU time per call, as
// BenchmarkDashboards does. The first page in the default order (an index
// walk) is the floor; every other query sorts or tests every matching row
// in SQL and counts them all for totalCount; byBetweenness reads the people
// from the store and sorts them in Go by the background betweenness result
// (computed before the timed calls). Run it with
//
//	go test -run '^$' -bench SortedLists -benchtime 1x ./server/
func BenchmarkSortedLists(b *testing.B) {
	benchLatencies(b, []benchQuery{
		{"floor", `{ actors(first: 20) { totalCount nodes { key } } }`},
		{"byDegree", `{ actors(orderBy: [{field: DEGREE, direction: DESC}], first: 20) { totalCount nodes { key } } }`},
		{"byDegreeLastPage", `{ actors(orderBy: [{field: DEGREE, direction: DESC}], last: 20) { totalCount nodes { key } } }`},
		{"nameStartsWith", `{ actors(where: {name: {startsWith: "12"}}, orderBy: [{field: NAME, direction: DESC}], first: 20) { totalCount nodes { key } } }`},
		{"linksSome", `{ actors(where: {linksSome: {weight: {gte: 1}, other: {name: {startsWith: "99"}}}}, first: 20) { totalCount nodes { key } } }`},
		{"byBetweenness", `{ people(orderByMetric: {metric: BETWEENNESS}, first: 20) { totalCount nodes { key } } }`},
		{"linksByWeight", `{ links(where: {OR: [{weight: {gte: 2}}, {key: {contains: "-0"}}]}, orderBy: [{field: WEIGHT, direction: DESC}], first: 20) { totalCount nodes { key } } }`},
		{"linksBySource", `{ links(where: {source: {name: {contains: "55"}}}, orderBy: [{field: TYPE}], last: 20) { totalCount nodes { key } } }`},
	})
}
