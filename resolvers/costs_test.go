package resolvers

import (
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/resolvers/model"
)

func TestCostsSaturate(t *testing.T) {
	if got := AddCost(maxCost-1, 5); got != maxCost {
		t.Errorf("AddCost near the top = %d, want %d", got, maxCost)
	}
	if got := mul(maxCost/2, 3); got != maxCost {
		t.Errorf("mul near the top = %d, want %d", got, maxCost)
	}
	if got := mul(0, maxCost); got != 0 {
		t.Errorf("mul by zero = %d", got)
	}
}

func TestCosts(t *testing.T) {
	c := Complexity()
	n := func(v int32) *int32 { return &v }
	from, to := graph.Date{}, graph.Date{}
	for name, tc := range map[string]struct{ got, want int }{
		"PageDefault":       {c.Query.People(2, nil, nil, nil, nil, nil, nil, nil, nil), 1 + graph.DefaultPageSize*2},
		"PageFirst":         {c.Query.People(2, nil, nil, nil, nil, n(10), nil, nil, nil), 21},
		"PageLast":          {c.Query.Links(2, nil, nil, nil, nil, nil, n(10), nil), 21},
		"PageBadFirstIsOne": {c.Query.People(2, nil, nil, nil, nil, n(-5), nil, nil, nil), 3},
		"Where":             {c.Query.Programmes(2, nil, nil, &model.ProgrammeWhere{}, nil, n(10), nil, nil, nil), costAggregate + 21},
		"WhereRelations": {c.Query.Organisations(2, nil, nil, &model.ActorWhere{
			LinksSome: graphql.OmittableOf(&model.ActorLinkWhere{Other: graphql.OmittableOf(&model.ActorWhere{})})}, nil, nil, n(10), nil, nil, nil), 2*costAggregate + 21},
		"OrderByDegree":    {c.Query.Actors(2, nil, nil, nil, []*model.ActorOrder{{Field: model.ActorOrderFieldDegree}}, nil, n(10), nil, nil, nil), 2*costAggregate + 21},
		"OrderByMetric":    {c.Query.People(2, nil, nil, nil, &model.MetricOrder{Metric: model.MetricBetweenness}, n(10), nil, nil, nil), costAnalytics + 21},
		"Brokers":          {c.Query.Brokers(3, nil, nil, nil, nil, nil), costAnalytics + 1 + 10*3},
		"BrokersLatest":    {c.Query.Brokers(3, nil, nil, nil, nil, ptr(model.ConsistencyLatest)), costAnalytics + 1 + 10*3},
		"BrokerRanking":    {c.Query.BrokerRanking(3, nil, nil, nil, n(20), nil), costAnalytics + 1 + 20*3},
		"ProfilePairs":     {c.BrokerProfile.BridgedPairs(2, nil, nil), 1 + 20*2},
		"HistoryOneWindow": {c.Query.BrokerHistory(1, "", nil, &from, &to, nil, nil, nil), costAnalytics + 1},
		"HistoryQuarters":  {c.Query.BrokerHistory(1, "", nil, ptr(graph.MustDate("2020-02-15")), ptr(graph.MustDate("2020-08-10")), ptr(model.StepQuarter), nil, nil), 3 * (costAnalytics + 1)},
		"TrendsAcademic":   {c.Query.BrokerTrends(1, nil, ptr(graph.MustDate("2020-03-01")), ptr(graph.MustDate("2021-12-31")), ptr(model.StepAcademicYear), nil, nil, nil), 3 * (costAnalytics + 1)},
		"CommunityHistory": {c.Query.CommunityHistory(1, ptr(graph.MustDate("2020-03-01")), ptr(graph.MustDate("2021-12-31")), ptr(model.StepAcademicYear), nil, nil, nil, nil, nil, nil), 3 * (costAnalytics + 1)},
		"TrendsAt":         {c.Query.BrokerTrends(1, nil, nil, nil, nil, nil, nil, []*graph.Date{ptr(graph.MustDate("2019-09-01")), ptr(graph.MustDate("2020-09-01")), ptr(graph.MustDate("2021-09-01"))}), 2 * (costAnalytics + 1)},
		"ReachableBy":      {c.Query.ReachableBy(1, "", from, nil, nil), 2*costPath + 1 + 100},
		"PathsWithVia":     {c.Query.KnowledgePaths(1, "", "", nil, n(2), nil, nil, nil, []string{"v"}, nil), 2 * (2*costPath + 1)},
		"Neighbourhood":    {c.Query.Neighbourhood(1, "", n(2), nil), 2*costPath + assumedItems},
		"EgoNetwork":       {c.Query.EgoNetwork(1, "", n(2), nil), costAnalytics + 2*costPath + 1},
		"EgoNetworkActors": {c.EgoNetwork.Actors(2), 2 * assumedItems},
		"NetworkGraph":     {c.Query.NetworkGraph(20, nil, []model.Metric{model.MetricBetweenness}, nil), 2*costAnalytics + graph.MaxPageSize*20},
		"ActorsAggregate":  {c.Query.ActorsAggregate(2, nil, nil, nil, []model.ActorGroupField{model.ActorGroupFieldSector}), costAggregate + assumedItems*2},
		"LinksAggregate":   {c.Query.LinksAggregate(3, nil, nil, nil), costAggregate + assumedItems*3},
		"SeriesMonths":     {c.Query.NetworkSeries(4, nil, ptr(graph.MustDate("2020-01-15")), ptr(graph.MustDate("2020-03-02")), ptr(model.StepMonth), nil, nil), 3 * (costAnalytics + 4)},
		"TopBrokersMetric": {c.NetworkSummary.TopBrokers(1, ptr(model.MetricDegree), nil, nil), costAnalytics + 1 + 5},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: cost %d, want %d", name, tc.got, tc.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }
