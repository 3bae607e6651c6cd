package graph

import "slices"

// ActorField is a property actors can be grouped by.
type ActorField string

const (
	ActorKind   ActorField = "KIND"
	ActorType   ActorField = "TYPE" // an organisation's type; none for people
	ActorSector ActorField = "SECTOR"
	ActorRegion ActorField = "REGION"
	ActorParent ActorField = "PARENT" // the parent organisation's ID
)

// LinkField is a property links can be grouped by. YEAR, QUARTER and
// MONTH are those of the link's from date: a link without one groups
// under no value ("" here, null in GraphQL).
type LinkField string

const (
	LinkTypeField    LinkField = "TYPE"
	LinkProgramme    LinkField = "PROGRAMME" // the programme's ID
	LinkBroker       LinkField = "BROKER"    // the broker's ID
	LinkYear         LinkField = "YEAR"      // "2021"
	LinkQuarter      LinkField = "QUARTER"   // "2021-Q3"
	LinkMonth        LinkField = "MONTH"     // "2021-07"
	LinkSourceSector LinkField = "SOURCE_SECTOR"
	LinkTargetSector LinkField = "TARGET_SECTOR"
)

// Bounds on an aggregate: fields to group by, and groups answered (stores
// read at most one more, to tell).
const (
	MaxGroupBy        = 4
	MaxAggregateGroup = 10000
)

// Group is one group of an aggregate: the values of its group-by fields
// in their order ("" for none), how many it has and, for links, their
// weights and dates. First is the earliest from date, Last the latest
// date known of any (its to date, else its from date); zero if none.
type Group struct {
	Key                             []string
	Count                           int
	WeightSum, WeightMin, WeightMax float64
	First, Last                     Date
}

// WeightAvg is the mean weight of the group's links.
func (g Group) WeightAvg() float64 {
	if g.Count == 0 {
		return 0
	}
	return g.WeightSum / float64(g.Count)
}

var (
	actorFields = []ActorField{ActorKind, ActorType, ActorSector, ActorRegion, ActorParent}
	linkFields  = []LinkField{LinkTypeField, LinkProgramme, LinkBroker, LinkYear, LinkQuarter, LinkMonth, LinkSourceSector, LinkTargetSector}
)

// CheckGroupBy returns EINVALID on field "groupBy" unless by has at most
// MaxGroupBy known fields, none repeated. Stores call it first.
func CheckGroupBy[F ~string](by []F) error {
	if len(by) > MaxGroupBy {
		return Errorf(EINVALID, "groupBy", "group by at most %d fields", MaxGroupBy)
	}
	for i, f := range by {
		if !knownField(f) {
			return Errorf(EINVALID, "groupBy", "unknown group-by field %q", string(f))
		}
		if slices.Contains(by[:i], f) {
			return Errorf(EINVALID, "groupBy", "group-by field %q is repeated", string(f))
		}
	}
	return nil
}

func knownField[F ~string](f F) bool {
	switch any(f).(type) {
	case ActorField:
		return slices.Contains(actorFields, ActorField(f))
	case LinkField:
		return slices.Contains(linkFields, LinkField(f))
	}
	return false
}

// SortGroups orders groups by their key values, no value first, and
// checks their number: more than MaxAggregateGroup is EINVALID, so a
// dashboard grouping by something near-unique learns to narrow it.
// Both stores finish with it, so their answers are alike byte for byte.
func SortGroups(gs []Group) ([]Group, error) {
	if len(gs) > MaxAggregateGroup {
		return nil, Errorf(EINVALID, "groupBy", "more than %d groups: filter or group by fewer fields", MaxAggregateGroup)
	}
	slices.SortFunc(gs, func(a, b Group) int { return slices.Compare(a.Key, b.Key) })
	return gs, nil
}
