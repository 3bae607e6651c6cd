package graph

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"unicode"
)

// Merge asks a store to fold actor MergedID into actor SurvivorID (Store.MergeActors).
// The revisions, if set, are those the editor saw: the merge applies only
// if both actors still have them.
type Merge struct {
	SurvivorID, MergedID             string
	SurvivorRevision, MergedRevision string
}

// MergeState is what a store reads, inside the merge's transaction, for
// PlanMerge: the two actors (nil if unknown), every link the merged actor
// is an end or the broker of, the organisations whose parent it is, and
// the participations of both.
type MergeState struct {
	Survivor, Merged       *Actor
	Links                  []*Link
	Units                  []*Actor
	Participations         []*Participation // the merged actor's
	SurvivorParticipations []*Participation
}

// LinkMove is a link a merge re-points: After is nil if the link goes.
type LinkMove struct{ Before, After *Link }

// MergePlan is what a store writes for a merge, in one transaction, in
// this order: the survivor, the links, the units, the participations
// (Removed first, then Added), and last the merged actor's deletion.
type MergePlan struct {
	Survivor *Actor // as it will be stored
	MergedID string
	Links    []LinkMove // ordered by key
	Units    []*Actor   // as they will be stored, ordered by key
	Removed  []*Participation
	Added    []*Participation
}

// PlanMerge decides what merging st.Merged into st.Survivor changes and
// logs it in log; both stores call it so they merge alike.
//
//   - The survivor keeps its key, kind and every field it has; a field it
//     lacks (description, title, contacts, type, sector, region, parent,
//     evidence, a missing attribute) is taken from the merged actor. Its
//     aliases gain the merged actor's key, name and aliases, so the merged
//     key still resolves (ActorByKey) and name search still finds it.
//   - Links of the merged actor are re-pointed to the survivor with their
//     keys, evidence and attributes unchanged. A link between the two
//     would become a self-loop and is deleted (its evidence stays in the
//     change log). Two links that now join the same pair both stay: they
//     have distinct keys and may carry distinct evidence, which a merge
//     must not pick between. A link whose broker becomes one of its own
//     ends loses the broker.
//   - Links brokered by the merged actor are brokered by the survivor, and
//     its units become the survivor's.
//   - Its participations move to the survivor, except in programmes the
//     survivor already takes part in, where the survivor's role stays.
//
// Returns ENOTFOUND for an unknown actor, EINVALID for the same actor
// twice, actors of different kinds, or a survivor that would hold more
// than MaxAliases aliases, and ECONFLICT (a *StaleError) for a stale revision.
func PlanMerge(m Merge, st MergeState, log *ChangeLog) (*MergePlan, error) {
	if err := checkMerge(m, st); err != nil {
		return nil, err
	}
	s, x := st.Survivor, st.Merged
	after, err := mergedActor(s, x)
	if err != nil {
		return nil, err
	}
	plan := &MergePlan{Survivor: after, MergedID: x.ID}
	repoint := func(id string) string {
		if id == x.ID {
			return s.ID
		}
		return id
	}
	for _, l := range sortedLinks(uniqueLinks(st.Links)) {
		n := *l
		n.SourceID, n.TargetID, n.BrokeredByID = repoint(l.SourceID), repoint(l.TargetID), repoint(l.BrokeredByID)
		if n.SourceID == n.TargetID {
			plan.Links = append(plan.Links, LinkMove{Before: l})
			log.Deleted(l)
			continue
		}
		if n.BrokeredByID == n.SourceID || n.BrokeredByID == n.TargetID {
			n.BrokeredByID = ""
		}
		plan.Links = append(plan.Links, LinkMove{Before: l, After: &n})
		log.Updated(l, &n)
	}
	for _, u := range slices.SortedFunc(slices.Values(st.Units), func(a, b *Actor) int { return cmp.Compare(a.Key, b.Key) }) {
		if u.ID == s.ID {
			continue // the survivor's own parent is settled by mergedActor
		}
		n := *u
		n.ParentID = s.ID
		plan.Units = append(plan.Units, &n)
		log.Updated(u, &n)
	}
	has := map[string]bool{}
	for _, p := range st.SurvivorParticipations {
		has[p.ProgrammeID] = true
	}
	for _, p := range sortedParticipations(st.Participations) {
		plan.Removed = append(plan.Removed, p)
		log.Deleted(p)
		if !has[p.ProgrammeID] {
			n := *p
			n.ActorID = s.ID
			plan.Added = append(plan.Added, &n)
			log.Created(&n)
		}
	}
	log.Deleted(x)
	log.Updated(s, after)
	return plan, nil
}

func checkMerge(m Merge, st MergeState) error {
	switch {
	case m.SurvivorID == m.MergedID:
		return Errorf(EINVALID, "merged", "survivor and merged are the same actor: a merge needs two")
	case st.Survivor == nil:
		return Errorf(ENOTFOUND, "survivor", "no actor with %s", Describe(m.SurvivorID))
	case st.Merged == nil:
		return Errorf(ENOTFOUND, "merged", "no actor with %s", Describe(m.MergedID))
	case st.Survivor.Kind != st.Merged.Kind:
		return Errorf(EINVALID, "merged", "%s is a %s and %s a %s: only actors of one kind merge",
			Describe(m.SurvivorID), st.Survivor.Kind, Describe(m.MergedID), st.Merged.Kind)
	}
	if err := CheckRevision("actor", m.SurvivorID, st.Survivor, m.SurvivorRevision); err != nil {
		return err
	}
	return CheckRevision("actor", m.MergedID, st.Merged, m.MergedRevision)
}

// mergedActor returns the survivor s after x merges into it.
func mergedActor(s, x *Actor) (*Actor, error) {
	c := *s
	fill(&c.Description, x.Description)
	fill(&c.Title, x.Title)
	fill(&c.Email, x.Email)
	fill(&c.Phone, x.Phone)
	fill(&c.Sector, x.Sector)
	fill(&c.Region, x.Region)
	if len(c.Roles) == 0 {
		c.Roles = x.Roles
	}
	if c.OrgType == "" || c.OrgType == OrgOther {
		fill(&c.OrgType, x.OrgType)
	}
	if c.ParentID == x.ID { // x goes: s takes x's place under x's parent
		c.ParentID = ""
	}
	if c.ParentID == "" && x.ParentID != s.ID {
		c.ParentID = x.ParentID
	}
	if c.Evidence.IsZero() {
		c.Evidence = x.Evidence
	}
	if len(x.Attrs) > 0 {
		c.Attrs = make(map[string]string, len(s.Attrs)+len(x.Attrs))
		for k, v := range x.Attrs {
			c.Attrs[k] = v
		}
		for k, v := range s.Attrs {
			c.Attrs[k] = v
		}
	}
	c.Aliases = mergedAliases(s, x)
	if len(c.Aliases) > MaxAliases {
		return nil, Errorf(EINVALID, "aliases", "the survivor would have %d aliases, more than %d: remove some first", len(c.Aliases), MaxAliases)
	}
	return &c, c.Validate()
}

// mergedAliases are s's aliases, then x's key, name and aliases, without
// repeats or s's own name. Case counts: keys are compared as bytes, so
// the key "lhu" must stay beside an alias "LHU" to keep resolving.
func mergedAliases(s, x *Actor) []string {
	seen := map[string]bool{s.Name: true}
	var out []string
	for _, a := range slices.Concat(s.Aliases, []string{x.Key, x.Name}, x.Aliases) {
		if k := strings.TrimSpace(a); k != "" && !seen[k] {
			seen[k] = true
			out = append(out, a)
		}
	}
	return out
}

func fill[T comparable](dst *T, v T) {
	var zero T
	if *dst == zero {
		*dst = v
	}
}

func uniqueLinks(ls []*Link) []*Link {
	seen := map[string]bool{}
	var out []*Link
	for _, l := range ls {
		if !seen[l.ID] {
			seen[l.ID] = true
			out = append(out, l)
		}
	}
	return out
}

// ActorByKey returns the actor with key or, if none has it, the actor a
// merge folded the key's actor into (one with the key among its aliases);
// nil if neither exists.
func ActorByKey(ctx context.Context, s Store, key string) (*Actor, error) {
	key = NormKey(key)
	as, err := s.ActorsByID(ctx, []string{NewID(KindActor, key)})
	if err != nil || as[0] != nil {
		return as[0], err
	}
	words := strings.FieldsFunc(key, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) == 0 || len(words) > MaxSearchWords || len(key) > MaxSearchBytes { // no alias is that long a search
		return nil, nil
	}
	var after string
	for range 10 { // a key's words are rare beyond its own actors: a few pages at most
		p, err := s.FindActors(ctx, ActorFilter{Search: strings.Join(words, " ")}, PageArgs{First: MaxPageSize, After: after})
		if err != nil {
			return nil, err
		}
		for _, a := range p.Items {
			if slices.Contains(a.Aliases, key) {
				return a, nil
			}
		}
		if !p.PageInfo.HasNextPage {
			return nil, nil
		}
		after = p.PageInfo.EndCursor
	}
	return nil, nil
}
