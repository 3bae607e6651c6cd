package graph

import (
	"slices"
	"strings"
)

// Scope chooses the projection of the network that analytics and path
// queries run on. The zero Scope is the whole network, undirected and
// unweighted.
type Scope struct {
	LinkTypes   []LinkType // links of these types (all if empty)
	ActorKinds  []Kind     // actors of these kinds (KindPerson, KindOrganisation; all if empty)
	ProgrammeID string     // links inside this programme only
	Window      Interval   // links active at some time in this window
	Directed    bool       // directed links keep their direction; undirected ones go both ways
	Weighted    bool       // tie strength counts (path length of a link = 1/weight)
}

// Validate returns EINVALID naming the scope field at fault.
func (s *Scope) Validate() error {
	for _, t := range s.LinkTypes {
		if err := oneOf("scope.linkTypes", t, LinkTypes); err != nil {
			return err
		}
	}
	for _, k := range s.ActorKinds {
		if err := oneOf("scope.actorKinds", k, []Kind{KindPerson, KindOrganisation}); err != nil {
			return err
		}
	}
	if s.ProgrammeID != "" {
		if k, _, err := ParseID(s.ProgrammeID); err != nil || k != KindProgramme {
			return Errorf(EINVALID, "scope.programmeId", "scope.programmeId %q is not a programme ID", s.ProgrammeID)
		}
	}
	return s.Window.validate("scope.from", "scope.to")
}

// Key returns a string that identifies the scope, for caches.
func (s *Scope) Key() string {
	types := make([]string, len(s.LinkTypes))
	for i, t := range s.LinkTypes {
		types[i] = string(t)
	}
	kinds := make([]string, len(s.ActorKinds))
	for i, k := range s.ActorKinds {
		kinds[i] = string(k)
	}
	slices.Sort(types)
	slices.Sort(kinds)
	return strings.Join([]string{strings.Join(types, ","), strings.Join(kinds, ","), s.ProgrammeID,
		s.Window.From.String(), s.Window.To.String(), boolKey(s.Directed), boolKey(s.Weighted)}, "|")
}

func boolKey(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// SelectsLinks reports whether the scope chooses links (by type,
// programme or date), so that its network is the actors its links join
// rather than every actor.
func (s *Scope) SelectsLinks() bool {
	return len(s.LinkTypes) > 0 || s.ProgrammeID != "" || !s.Window.From.IsZero() || !s.Window.To.IsZero()
}

// IncludesActor reports whether actors of a's kind are in scope.
func (s *Scope) IncludesActor(a *Actor) bool {
	return len(s.ActorKinds) == 0 || slices.Contains(s.ActorKinds, a.Kind)
}

// IncludesLink reports whether l's type, programme and dates are in scope
// (its ends are checked separately).
func (s *Scope) IncludesLink(l *Link) bool {
	return LinkFilter{Types: s.LinkTypes, ProgrammeID: s.ProgrammeID, Active: s.Window}.Matches(l)
}
