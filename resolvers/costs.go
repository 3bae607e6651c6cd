package resolvers

import (
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/resolvers/generated"
	"github.com/partnergraph/partnergraph/resolvers/model"
)

// A query's cost (its GraphQL complexity) estimates the work it asks for in
// units of one plain field. Lists with `first` cost their children once per
// item they may return, so the cost bounds the size of the answer; analytics
// and path searches add a fixed price for the computation behind them.
// The server caps the total (its Config.ComplexityLimit, by default
// DefaultComplexityLimit). The model lives here, beside the schema it prices.
const (
	// costAnalytics prices one whole-scope computation on a snapshot, such
	// as betweenness (Brandes: O(nm)) or Gould–Fernandez brokerage.
	costAnalytics = 10_000
	// costPath prices one bounded search between two actors.
	costPath = 2_000
	// costLog prices one read of the whole change log (history, undo):
	// up to KeepChangeVersions versions of JSON values, like a snapshot scan.
	costLog = costAnalytics
	// costAggregate prices one GROUP BY over a table in the store: a
	// scan, far cheaper than an analytic but more than a page.
	costAggregate = 1_000
	// assumedItems stands for the length of an answer that has no `first`
	// (a neighbourhood's actors and links).
	assumedItems = 100
)

// DefaultComplexityLimit admits, for example, a page of 100 organisations
// with 100 links each and their ends (about 200,000), or 25 analytics fields
// (250,000), but not an unbounded mix of them.
const DefaultComplexityLimit = 250_000

// Complexity returns the complexity functions of the fields that cost more
// than gqlgen's default (1 + the cost of the selected children).
func Complexity() generated.ComplexityRoot {
	var c generated.ComplexityRoot
	costConnections(&c)
	costAnalyticsFields(&c)
	costDashboardFields(&c)
	costPathFields(&c)
	costHistoryFields(&c)
	costDuplicates(&c)
	costSubscriptions(&c)
	return c
}

// costConnections scales every Relay connection by the page it asks for.
func costConnections(c *generated.ComplexityRoot) {
	q := &c.Query
	q.Actors = func(child int, _ *string, _ *model.ActorFilter, where *model.ActorWhere, orderBy []*model.ActorOrder, byMetric *model.MetricOrder, first *int32, _ *string, last *int32, _ *string) int {
		return AddCost(actorListCost(where, orderBy, byMetric), page(child, either(first, last), graph.DefaultPageSize))
	}
	q.People = func(child int, _ *string, where *model.ActorWhere, orderBy []*model.ActorOrder, byMetric *model.MetricOrder, first *int32, _ *string, last *int32, _ *string) int {
		return AddCost(actorListCost(where, orderBy, byMetric), page(child, either(first, last), graph.DefaultPageSize))
	}
	q.Organisations = func(child int, _ *string, _ *model.OrganisationFilter, where *model.ActorWhere, orderBy []*model.ActorOrder, byMetric *model.MetricOrder, first *int32, _ *string, last *int32, _ *string) int {
		return AddCost(actorListCost(where, orderBy, byMetric), page(child, either(first, last), graph.DefaultPageSize))
	}
	q.Programmes = func(child int, _, _ *string, where *model.ProgrammeWhere, orderBy []*model.ProgrammeOrder, first *int32, _ *string, last *int32, _ *string) int {
		return AddCost(listCost(programmeWhere(where), orderBy, programmeOrder), page(child, either(first, last), graph.DefaultPageSize))
	}
	q.Links = func(child int, _ *model.LinkFilter, where *model.LinkWhere, orderBy []*model.LinkOrder, first *int32, _ *string, last *int32, _ *string) int {
		return AddCost(listCost(linkWhere(where), orderBy, linkOrder), page(child, either(first, last), graph.DefaultPageSize))
	}
	links := func(child int, _ *model.LinkFilter, first *int32, _ *string) int {
		return page(child, first, graph.DefaultPageSize)
	}
	connection := func(child int, first *int32, _ *string) int { return page(child, first, graph.DefaultPageSize) }
	c.Person.Links, c.Organisation.Links = links, links
	c.Person.Brokered, c.Organisation.Brokered = connection, connection
	c.Organisation.Units, c.Programme.Links = connection, connection
	// A list of IDs returns an item for each: priced by its length.
	q.Nodes = func(child int, ids []string) int { return AddCost(1, mul(max(len(ids), 1), child)) }
}

// costAnalyticsFields prices the brokerage and network measures.
func costAnalyticsFields(c *generated.ComplexityRoot) {
	q := &c.Query
	// The whole-network results are priced as computations whatever the
	// consistency: LATEST may still wait for a first result, or recompute.
	q.Brokers = func(child int, _ *model.Scope, _ *model.Metric, _ *model.GroupBy, first *int32, _ *model.Consistency) int {
		return AddCost(costAnalytics, page(child, first, 10))
	}
	// Its brokers' list has first items; the few fields of its result
	// are priced as if repeated with them.
	q.BrokerRanking = func(child int, _ *model.Scope, _ *model.Metric, _ *model.GroupBy, first *int32, _ *model.Consistency) int {
		return AddCost(costAnalytics, page(child, first, 10))
	}
	q.BrokerageRoles = func(child int, _ *model.Scope, _ *model.GroupBy, first *int32, _ *model.Consistency) int {
		return AddCost(costAnalytics, page(child, first, 50))
	}
	q.StructuralHoles = func(child int, _ *model.Scope, first *int32, _ *model.Consistency) int {
		return AddCost(costAnalytics, page(child, first, 50))
	}
	q.Cutpoints = func(child int, _ *model.Scope) int { return AddCost(costAnalytics/10, child) }
	q.Bridges = func(child int, _ *model.Scope) int { return AddCost(costAnalytics/10, child) }
	// Distances and components before and after the removal.
	q.RemovalImpact = func(child int, _ []string, _ *model.Scope) int { return AddCost(2*costAnalytics, child) }
	q.NetworkSummary = func(child int, _ *model.Scope, _ *model.Consistency) int { return AddCost(costAnalytics, child) }
	c.NetworkSummary.TopBrokers = func(child int, _ *model.Metric, first *int32, _ *model.Consistency) int {
		return AddCost(costAnalytics, page(child, first, 5))
	}
	q.BrokerProfile = func(child int, _ string, _ *model.Scope) int { return AddCost(costAnalytics, child) }
	// The whole network: its layout (one whole-scope computation, once per
	// store version), one per score asked, and each column like a page of
	// the largest size: a full answer costs about what 15 pages of 1,000
	// links do, which is what it replaces.
	q.NetworkGraph = func(child int, _ *model.Scope, scores []model.Metric, _ *model.GroupBy) int {
		return AddCost(mul(costAnalytics, 1+len(scores)), mul(graph.MaxPageSize, child))
	}
	c.BrokerProfile.Communities = func(child int) int { return AddCost(costAnalytics, child) }
	q.Communities = func(child int, _ *model.Scope, _ *model.CommunityAlgorithm, _ *float64, _ *int32, _ *model.Consistency) int {
		return AddCost(costAnalytics, child)
	}
	c.Communities.Communities = func(child int, first *int32) int { return page(child, first, 20) }
	q.CommunityBridges = func(child int, _ *model.Scope, _ *model.CommunityAlgorithm, _ *float64, _ *int32, first *int32, _ *model.Consistency) int {
		return AddCost(costAnalytics, page(child, first, 20))
	}
	c.Community.Actors = func(child int, first *int32) int { return page(child, first, 20) }
	c.TrackedCommunity.Members = func(child int, first *int32) int { return page(child, first, 20) }
	c.BrokerProfile.Brokerage = func(child int, _ *model.GroupBy) int { return AddCost(costAnalytics, child) }
	c.BrokerProfile.BridgedPairs = func(child int, first *int32, _ *model.PairOrder) int { return page(child, first, 20) }
	c.BrokerProfile.Substitutes = func(child int, first *int32) int { return page(child, first, 10) }
	// One computation per window.
	q.BrokerHistory = func(child int, _ string, _ *model.Metric, from, to *graph.Date, step *model.Step, _ *model.Scope, at []*graph.Date) int {
		return mul(windowing(from, to, step, at).Count(), AddCost(costAnalytics, child))
	}
	// One computation per window; the answer (windows' brokers and
	// trends, each with its links) is priced in child.
	q.BrokerTrends = func(child int, _ *model.Metric, from, to *graph.Date, step *model.Step, _ *model.Scope, _ *int32, at []*graph.Date) int {
		return mul(windowing(from, to, step, at).Count(), AddCost(costAnalytics, child))
	}
	// One partition per window, each window's communities priced in child.
	q.CommunityHistory = func(child int, from, to *graph.Date, step *model.Step, _ *model.Scope, _ *model.CommunityAlgorithm, _ *float64, _ *int32, _ *float64, at []*graph.Date) int {
		return mul(windowing(from, to, step, at).Count(), AddCost(costAnalytics, child))
	}
}

// costDashboardFields prices the aggregates, whose groups are as many as
// the data has (priced as assumedItems), and networkSeries, one summary
// computation per period with the period's fields (top brokers included).
func costDashboardFields(c *generated.ComplexityRoot) {
	q := &c.Query
	q.ActorsAggregate = func(child int, _ *string, _ *model.ActorFilter, where *model.ActorWhere, _ []model.ActorGroupField) int {
		return AddCost(AddCost(costAggregate, whereCost(actorWhere(where))), mul(assumedItems, child))
	}
	q.LinksAggregate = func(child int, _ *model.LinkFilter, where *model.LinkWhere, _ []model.LinkGroupField) int {
		return AddCost(AddCost(costAggregate, whereCost(linkWhere(where))), mul(assumedItems, child))
	}
	q.NetworkSeries = func(child int, _ *model.Scope, from, to *graph.Date, interval *model.Step, _ *model.Consistency, at []*graph.Date) int {
		return mul(windowing(from, to, interval, at).Count(), AddCost(costAnalytics, child))
	}
}

// costPathFields prices the path searches: knowledgePaths by the k paths it
// asks for and the legs its via actors add.
func costPathFields(c *generated.ComplexityRoot) {
	q := &c.Query
	q.KnowledgePaths = func(child int, _, _ string, _ *model.Scope, k, _ *int32, _ *model.PathCost, _ *bool, via, _ []string) int {
		n := count(k, 1)
		return mul(n, AddCost(mul(costPath, len(via)+1), child))
	}
	q.AllShortestPaths = func(child int, _, _ string, _ *model.Scope, first *int32) int {
		return AddCost(costPath, page(child, first, 10))
	}
	q.Introducers = func(child int, _, _ string, _ *model.Scope, first *int32) int {
		return AddCost(costPath, page(child, first, 10))
	}
	// Disjoint paths by repeated augmenting searches (Menger).
	q.ConnectionResilience = func(child int, _, _ string, _ *model.Scope) int { return AddCost(5*costPath, child) }
	// Components, a shortest path, perhaps a time-respecting one.
	q.Reachability = func(child int, _, _ string, _ *model.Scope, _ *int32, _ *bool) int { return AddCost(2*costPath, child) }
	q.Reach = func(child int, _ string, maxHops *int32, _ *model.Scope, first *int32) int {
		return AddCost(mul(costPath, count(maxHops, 2)), page(child, first, 100))
	}
	// One search over the whole scope, like a reach of two hops.
	q.ReachableBy = func(child int, _ string, _ graph.Date, _ *model.Scope, first *int32) int {
		return AddCost(2*costPath, page(child, first, 100))
	}
	q.Neighbourhood = func(child int, _ string, hops *int32, _ *model.Scope) int {
		return AddCost(mul(costPath, count(hops, 1)), mul(assumedItems, child))
	}
	// The search, and the ego's Burt measures on the whole scope (as
	// brokerProfile); its brokerage may need the scope's communities.
	q.EgoNetwork = func(child int, _ string, radius *int32, _ *model.Scope) int {
		return AddCost(AddCost(costAnalytics, mul(costPath, count(radius, 1))), child)
	}
	c.EgoNetwork.Brokerage = func(child int, _ *model.GroupBy) int { return AddCost(costAnalytics, child) }
	c.EgoNetwork.Communities = func(child int) int { return AddCost(costAnalytics, child) }
	c.EgoNetwork.Actors = func(child int) int { return mul(assumedItems, child) }
	c.EgoNetwork.Links = func(child int) int { return mul(assumedItems, child) }
}

// listCost prices a list's where and orderBy beyond its page: the store
// tests a where on every row (a scan, priced as an aggregate) and a chosen
// order sorts every matching row rather than walking an index; ordering
// by DEGREE counts every actor's links besides.
func listCost[O any](w *graph.Where, orderBy []*O, key func(*O) graph.OrderKey) int {
	c := whereCost(w)
	if len(orderBy) > 0 {
		c = AddCost(c, costAggregate)
	}
	for _, o := range orderBy {
		if key(o).Field == graph.SortDegree {
			c = AddCost(c, costAggregate)
		}
	}
	return c
}

// actorListCost is listCost for the actor lists, which may also be
// ordered by a metric: one whole-scope computation, as brokerRanking.
func actorListCost(where *model.ActorWhere, orderBy []*model.ActorOrder, byMetric *model.MetricOrder) int {
	c := listCost(actorWhere(where), orderBy, actorOrder)
	if byMetric != nil {
		c = AddCost(c, costAnalytics)
	}
	return c
}

// whereCost prices a where: a scan, and one more for each condition on
// related rows (linksSome, source, target), a probe of them per row.
func whereCost(w *graph.Where) int {
	if w == nil {
		return 0
	}
	return mul(costAggregate, 1+relations(w))
}

func relations(w *graph.Where) int {
	if w == nil {
		return 0
	}
	n := relations(w.Not) + relations(w.Source) + relations(w.Target)
	for _, sub := range append(w.And[:len(w.And):len(w.And)], w.Or...) {
		n += relations(sub)
	}
	if w.Source != nil {
		n++
	}
	if w.Target != nil {
		n++
	}
	if w.LinksSome != nil {
		n += 1 + relations(w.LinksSome.Other)
	}
	return n
}

// either is the page size a list asks for, forwards or backwards.
func either(first, last *int32) *int32 {
	if first != nil {
		return first
	}
	return last
}

// page is the cost of a list of up to first items (def when absent).
func page(child int, first *int32, def int) int {
	return AddCost(1, mul(count(first, def), child))
}

// count reads a positive count argument; absent or out of range counts as
// def or 1, since such requests fail validation or their resolver anyway.
func count(v *int32, def int) int {
	switch {
	case v == nil:
		return def
	case *v < 1:
		return 1
	}
	return int(*v)
}

const maxCost = int(^uint(0) >> 1)

// AddCost and mul saturate instead of overflowing, so no query can wrap
// its cost around to a small number.
func AddCost(a, b int) int {
	if a > maxCost-b {
		return maxCost
	}
	return a + b
}

func mul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > maxCost/b {
		return maxCost
	}
	return a * b
}

// costHistoryFields prices the fields that read the change log: one log
// read plus their answers' size.
func costHistoryFields(c *generated.ComplexityRoot) {
	c.Query.History = func(child int, _ string, first *int32) int {
		return AddCost(costLog, page(child, first, defaultHistory))
	}
	c.Query.NetworkChanges = func(child int, _ string, first *int32, _ *string) int {
		return AddCost(costLog, page(child, first, defaultChanges))
	}
	c.Mutation.UndoLastChange = func(child int) int { return AddCost(costLog, mul(assumedItems, child)) }
	// Two whole-network rankings (then and now) besides the log read.
	c.Query.BrokerMovesSince = func(child int, _ string, first *int32) int {
		return AddCost(AddCost(costLog, mul(2, costAnalytics)), page(child, first, defaultMoves))
	}
}

// costDuplicates prices duplicateCandidates as one whole-network
// computation (blocked, so near-linear, but it reads every actor) plus the
// candidates it returns.
func costDuplicates(c *generated.ComplexityRoot) {
	c.Query.DuplicateCandidates = func(child int, first *int32, _ *model.ActorKind) int {
		return AddCost(costAnalytics, mul(count(first, 20), child))
	}
}

// costSubscriptions prices a subscription by one event's answer (each event
// runs the selection once): a change like one history entry; a ranking like
// brokerRanking, whose computations it shares with queries.
func costSubscriptions(c *generated.ComplexityRoot) {
	c.Subscription.Changes = func(child int, _ *model.ChangeWhere) int { return AddCost(1, child) }
	c.Subscription.BrokersChanged = func(child int, _ *model.Scope, _ *model.Metric, _ *model.GroupBy, first *int32) int {
		return AddCost(costAnalytics, page(child, first, 10))
	}
}
