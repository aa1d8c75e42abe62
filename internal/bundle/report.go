package bundle

import (
	"fmt"
	"strings"
)

// The entity types a Report counts, named as in the GraphQL schema.
const (
	EntityOrganization = "Organization"
	EntityDocument     = "Document"
	EntityTheme        = "Theme"
	EntityExpert       = "Expert"
	EntityNetwork      = "Network"
	EntityNetworkTerm  = "NetworkTerm"
	EntityMembership   = "TermMembership"
	EntitySeminar      = "Seminar"
	EntitySession      = "Session"
	EntityOutcome      = "Outcome"
	EntityAppearance   = "Appearance"
)

// Entities lists the entity types in the order Apply writes them.
var Entities = []string{
	EntityOrganization, EntityDocument, EntityTheme, EntityExpert,
	EntityNetwork, EntityNetworkTerm, EntityMembership, EntitySeminar, EntitySession, EntityOutcome,
	EntityAppearance,
}

// Action is what Apply did, or would do in a dry run, to one entity.
type Action string

// The actions of a Change.
const (
	// Create means the entity was not in the database.
	Create Action = "create"
	// Update means a field of the entity changed or an edge was added to it.
	Update Action = "update"
)

// Counts says how many entities of one type a bundle created, updated and left unchanged.
type Counts struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// Total is the number of entities counted.
func (c Counts) Total() int { return c.Created + c.Updated + c.Unchanged }

// Change is one entity that Apply created or updated (or would have, in a dry run).
type Change struct {
	// Entity is the entity type, one of Entities.
	Entity string `json:"entity"`
	// Key is the entity's natural key, for example a theme's slug or
	// "USO-verkoston käynnistysseminaari (2017-03-14) #3" for a session.
	Key string `json:"key"`
	// Action is Create or Update.
	Action Action `json:"action"`
}

// Report is what Apply did: counts per entity type and the list of changes, each entity
// of the bundle counted once. In a dry run it is what Apply would have done.
type Report struct {
	// DryRun is true when the changes were rolled back.
	DryRun bool `json:"dryRun"`
	// Counts holds the counts of every entity type in Entities (zero counts included).
	Counts map[string]*Counts `json:"counts"`
	// Changes lists the created and updated entities, in the order Apply first came to
	// them (organisations, documents, themes, experts, networks, terms, seminars,
	// sessions, outcomes, appearances; within each, bundle order).
	Changes []Change `json:"changes"`
}

// Total sums the counts over every entity type.
func (r *Report) Total() Counts {
	var t Counts
	for _, c := range r.Counts {
		t.Created += c.Created
		t.Updated += c.Updated
		t.Unchanged += c.Unchanged
	}
	return t
}

// Changed reports whether the bundle created or updated anything.
func (r *Report) Changed() bool { return len(r.Changes) > 0 }

// String summarises the report, one line per entity type that the bundle holds.
func (r *Report) String() string {
	var sb strings.Builder
	t := r.Total()
	verb := "applied"
	if r.DryRun {
		verb = "dry run"
	}
	fmt.Fprintf(&sb, "%s: %d created, %d updated, %d unchanged", verb, t.Created, t.Updated, t.Unchanged)
	for _, e := range Entities {
		if c := r.Counts[e]; c != nil && c.Total() > 0 {
			fmt.Fprintf(&sb, "\n  %-12s %d created, %d updated, %d unchanged", e, c.Created, c.Updated, c.Unchanged)
		}
	}
	return sb.String()
}

// tracker records what happened to each entity of a bundle, which Apply may touch more
// than once (a document is written, and later gets its authors).
type tracker struct {
	order []entityKey
	state map[entityKey]Action // "" = unchanged
}

type entityKey struct {
	entity, key string
}

func newTracker() *tracker {
	return &tracker{state: map[entityKey]Action{}}
}

// record notes an action on an entity ("" for none); a creation is not later turned into
// an update, and an update not into "unchanged".
func (t *tracker) record(entity, key string, a Action) {
	k := entityKey{entity, key}
	old, seen := t.state[k]
	if !seen {
		t.order = append(t.order, k)
	}
	if old == Create || (old == Update && a == "") {
		return
	}
	t.state[k] = a
}

// report builds the Report.
func (t *tracker) report(dryRun bool) *Report {
	r := &Report{DryRun: dryRun, Counts: make(map[string]*Counts, len(Entities)), Changes: []Change{}}
	for _, e := range Entities {
		r.Counts[e] = &Counts{}
	}
	for _, k := range t.order {
		c := r.Counts[k.entity]
		switch a := t.state[k]; a {
		case Create:
			c.Created++
		case Update:
			c.Updated++
		default:
			c.Unchanged++
			continue
		}
		r.Changes = append(r.Changes, Change{Entity: k.entity, Key: k.key, Action: t.state[k]})
	}
	return r
}
