package graph

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"unicode"
)

// OrgType classifies an organisation.
type OrgType string

const (
	OrgUniversity       OrgType = "UNIVERSITY"
	OrgResearchCentre   OrgType = "RESEARCH_CENTRE"
	OrgSchool           OrgType = "SCHOOL"
	OrgCollege          OrgType = "COLLEGE"
	OrgLocalAuthority   OrgType = "LOCAL_AUTHORITY"
	OrgAcademyTrust     OrgType = "ACADEMY_TRUST"
	OrgCharity          OrgType = "CHARITY"
	OrgBusiness         OrgType = "BUSINESS"
	OrgGovernmentAgency OrgType = "GOVERNMENT_AGENCY"
	OrgHealth           OrgType = "HEALTH"
	OrgPolice           OrgType = "POLICE"
	OrgFaithBody        OrgType = "FAITH_BODY"
	OrgNetwork          OrgType = "NETWORK"
	OrgOther            OrgType = "OTHER"
)

// OrgTypes lists every OrgType in schema order.
var OrgTypes = []OrgType{OrgUniversity, OrgResearchCentre, OrgSchool, OrgCollege, OrgLocalAuthority,
	OrgAcademyTrust, OrgCharity, OrgBusiness, OrgGovernmentAgency, OrgHealth, OrgPolice, OrgFaithBody,
	OrgNetwork, OrgOther}

// LinkType classifies a link between two actors.
type LinkType string

const (
	LinkAffiliation       LinkType = "AFFILIATION"
	LinkMembership        LinkType = "MEMBERSHIP"
	LinkPartnership       LinkType = "PARTNERSHIP"
	LinkCollaboration     LinkType = "COLLABORATION"
	LinkKnowledgeExchange LinkType = "KNOWLEDGE_EXCHANGE"
	LinkGovernance        LinkType = "GOVERNANCE"
	LinkFunding           LinkType = "FUNDING"
	LinkParticipation     LinkType = "PARTICIPATION"
)

// LinkTypes lists every LinkType in schema order.
var LinkTypes = []LinkType{LinkAffiliation, LinkMembership, LinkPartnership, LinkCollaboration,
	LinkKnowledgeExchange, LinkGovernance, LinkFunding, LinkParticipation}

// Role is an actor's role in a programme.
type Role string

const (
	RoleLead      Role = "LEAD"
	RolePartner   Role = "PARTNER"
	RoleFunder    Role = "FUNDER"
	RoleEvaluator Role = "EVALUATOR"
	RoleBroker    Role = "BROKER"
)

// Roles lists every Role in schema order.
var Roles = []Role{RoleLead, RolePartner, RoleFunder, RoleEvaluator, RoleBroker}

// Evidence records where a fact comes from.
type Evidence struct {
	Source string `json:"source,omitempty"` // document, URL or citation
	Quote  string `json:"quote,omitempty"`  // the words that support the fact
	Note   string `json:"note,omitempty"`
}

func (e Evidence) IsZero() bool { return e == Evidence{} }

// Actor is a Person or an Organisation: anything that can hold a link.
// Kind-specific fields are empty for the other kind.
type Actor struct {
	ID   string `json:"id"`
	Key  string `json:"key"`
	Kind Kind   `json:"kind"` // KindPerson or KindOrganisation
	Name string `json:"name"`
	// Aliases are the other names people use: acronyms ("LHU", "ROC"),
	// short and former names. Name search finds an actor by any of them.
	Aliases     []string `json:"aliases,omitempty"`
	Description string   `json:"description,omitempty"`
	// Person.
	Title string   `json:"title,omitempty"`
	Roles []string `json:"roles,omitempty"`
	// Personal contact data: shown only to editors and above, removed on erasure.
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
	// Organisation.
	OrgType  OrgType  `json:"type,omitempty"`
	Sector   string   `json:"sector,omitempty"`
	Region   string   `json:"region,omitempty"`
	ParentID string   `json:"parentId,omitempty"` // the organisation this one belongs to
	Evidence Evidence `json:"evidence,omitzero"`
	// Attrs keeps what the model has no field for, such as the node
	// attributes of an imported research network (age, department…).
	Attrs map[string]string `json:"attrs,omitempty"`
}

// Validate checks a. Returns EINVALID naming the field at fault.
func (a *Actor) Validate() error {
	a.Key = NormKey(a.Key)
	if err := checkKey(a.Key); err != nil {
		return err
	}
	if err := checkName(a.Name); err != nil {
		return err
	}
	var err error
	if a.Aliases, err = checkAliases(a.Aliases); err != nil {
		return err
	}
	switch a.Kind {
	case KindPerson:
		if a.OrgType != "" || a.ParentID != "" || a.Sector != "" || a.Region != "" {
			return Errorf(EINVALID, "type", "a person has no organisation type, sector, region or parent")
		}
		if a.Email != "" && !strings.Contains(a.Email, "@") {
			return Errorf(EINVALID, "email", "email %q is not an address", a.Email)
		}
	case KindOrganisation:
		if a.OrgType == "" {
			a.OrgType = OrgOther
		}
		if err := oneOf("type", a.OrgType, OrgTypes); err != nil {
			return err
		}
		if a.Title != "" || len(a.Roles) > 0 || a.Email != "" || a.Phone != "" {
			return Errorf(EINVALID, "title", "an organisation has no title, roles or personal contact fields")
		}
		if a.ParentID != "" && a.ParentID == a.ID {
			return Errorf(EINVALID, "parentId", "an organisation cannot be its own parent")
		}
	default:
		return Errorf(EINVALID, "kind", "kind %q is not Person or Organisation", a.Kind)
	}
	if a.Attrs, err = checkAttrs(a.Attrs, ActorFields); err != nil {
		return err
	}
	a.ID = NewID(a.Kind, a.Key)
	return nil
}

// Programme is a partnership, programme, project or event series.
type Programme struct {
	ID          string   `json:"id"`
	Key         string   `json:"key"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Aims        []string `json:"aims,omitempty"`
	Start       Date     `json:"start,omitzero"`
	End         Date     `json:"end,omitzero"`
	Tags        []string `json:"tags,omitempty"` // e.g. the seeds' partnership dimensions
	Evidence    Evidence `json:"evidence,omitzero"`
}

// Validate checks p. Returns EINVALID naming the field at fault.
func (p *Programme) Validate() error {
	p.Key = NormKey(p.Key)
	if err := checkKey(p.Key); err != nil {
		return err
	}
	if err := checkName(p.Name); err != nil {
		return err
	}
	if err := (Interval{p.Start, p.End}).validate("start", "end"); err != nil {
		return err
	}
	p.ID = NewID(KindProgramme, p.Key)
	return nil
}

// Participation is an actor's part in a programme.
type Participation struct {
	ActorID     string   `json:"actorId"`
	ProgrammeID string   `json:"programmeId"`
	Role        Role     `json:"role"`
	Evidence    Evidence `json:"evidence,omitzero"`
}

// Validate checks p. Returns EINVALID naming the field at fault.
func (p *Participation) Validate() error {
	if p.ActorID == "" {
		return Errorf(EINVALID, "actorId", "actorId is required")
	}
	if p.ProgrammeID == "" {
		return Errorf(EINVALID, "programmeId", "programmeId is required")
	}
	if p.Role == "" {
		p.Role = RolePartner
	}
	return oneOf("role", p.Role, Roles)
}

// Link is a tie between two actors.
type Link struct {
	ID           string   `json:"id"`
	Key          string   `json:"key"`
	Type         LinkType `json:"type"`
	SourceID     string   `json:"sourceId"`
	TargetID     string   `json:"targetId"`
	Directed     bool     `json:"directed,omitempty"`
	Weight       float64  `json:"weight"` // tie strength, > 0; larger is stronger
	Interval              // when the link was active
	ProgrammeID  string   `json:"programmeId,omitempty"`
	BrokeredByID string   `json:"brokeredById,omitempty"` // the intermediary who made the link happen
	Evidence     Evidence `json:"evidence,omitzero"`
	// Attrs keeps what the model has no field for (edge attributes of an
	// imported network).
	Attrs map[string]string `json:"attrs,omitempty"`
}

// Validate checks l and fills defaults (weight 1, a key derived from the link's
// ends when none is given). Returns EINVALID naming the field at fault.
func (l *Link) Validate() error {
	if err := oneOf("type", l.Type, LinkTypes); err != nil {
		return err
	}
	if l.SourceID == "" {
		return Errorf(EINVALID, "sourceId", "sourceId is required")
	}
	if l.TargetID == "" {
		return Errorf(EINVALID, "targetId", "targetId is required")
	}
	if l.SourceID == l.TargetID {
		return Errorf(EINVALID, "targetId", "a link cannot join an actor to itself")
	}
	if l.Weight == 0 {
		l.Weight = 1
	}
	if !(l.Weight > 0) || l.Weight > 1e12 {
		return Errorf(EINVALID, "weight", "weight %v must be a positive number", l.Weight)
	}
	if l.BrokeredByID != "" && (l.BrokeredByID == l.SourceID || l.BrokeredByID == l.TargetID) {
		return Errorf(EINVALID, "brokeredById", "a link cannot be brokered by one of its own ends")
	}
	if err := l.Interval.validate("from", "to"); err != nil {
		return err
	}
	var err error
	if l.Attrs, err = checkAttrs(l.Attrs, LinkFields); err != nil {
		return err
	}
	if l.Key == "" {
		l.Key = l.naturalKey()
	}
	l.Key = NormKey(l.Key)
	if err := checkKey(l.Key); err != nil {
		return err
	}
	l.ID = NewID(KindLink, l.Key)
	return nil
}

// naturalKey identifies a link by what it joins, so re-importing a link that
// has no key of its own updates it instead of adding a copy.
func (l *Link) naturalKey() string {
	h := sha256.Sum256([]byte(l.SourceID + "\x00" + l.TargetID + "\x00" + string(l.Type) + "\x00" +
		l.ProgrammeID + "\x00" + l.From.String()))
	return "link-" + hex.EncodeToString(h[:12])
}

// Ends returns the IDs of the actors a link refers to: its source, target and
// (if any) broker.
func (l *Link) Ends() []string {
	if l.BrokeredByID != "" {
		return []string{l.SourceID, l.TargetID, l.BrokeredByID}
	}
	return []string{l.SourceID, l.TargetID}
}

// Matches reports whether l passes f (the in-memory twin of a store's
// link filter, for links already loaded).
func (f LinkFilter) Matches(l *Link) bool {
	if len(f.Types) > 0 && !slices.Contains(f.Types, l.Type) {
		return false
	}
	if f.ProgrammeID != "" && l.ProgrammeID != f.ProgrammeID {
		return false
	}
	if f.BrokeredByID != "" && l.BrokeredByID != f.BrokeredByID {
		return false
	}
	return l.Interval.Overlaps(f.Active)
}

// Limits on aliases.
const (
	MaxAliases     = 20
	maxAliasLength = 200
)

// checkAliases trims aliases and drops empty and repeated ones; more than
// MaxAliases, or one too long or with control characters, is EINVALID.
func checkAliases(aliases []string) ([]string, error) {
	var out []string
	for _, a := range aliases {
		a = strings.TrimSpace(a)
		switch {
		case a == "" || slices.Contains(out, a):
			continue
		case len(a) > maxAliasLength || strings.ContainsFunc(a, unicode.IsControl):
			return nil, Errorf(EINVALID, "aliases", "alias %.40q is longer than %d bytes or holds control characters", a, maxAliasLength)
		}
		out = append(out, a)
	}
	if len(out) > MaxAliases {
		return nil, Errorf(EINVALID, "aliases", "%d aliases, more than %d", len(out), MaxAliases)
	}
	return out, nil
}
