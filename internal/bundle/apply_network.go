package bundle

import (
	"context"
	"fmt"
	"slices"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/network"
	"github.com/teemaverkko/teemaverkko/ent/networkterm"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/ent/termmembership"
)

// applyNetworks upserts the bundle's networks by name, with their organisers and sources.
func (a *applier) applyNetworks(ctx context.Context) error {
	var creates []*ent.NetworkCreate
	for i := range a.b.Networks {
		n := &a.b.Networks[i]
		old := a.networks[n.Name]
		if old == nil {
			creates = append(creates, a.c.Network.Create().
				SetName(n.Name).
				SetNillableDescription(opt(n.Description)).
				AddOrganizerIDs(dedupe(a.organizationIDs(n.Organizers))...).
				AddSourceIDs(dedupe(a.documentIDs(n.Sources))...))
			a.track.record(EntityNetwork, n.Name, Create)
			continue
		}
		u := a.c.Network.UpdateOneID(old.ID)
		changed := false
		setOptional(&changed, n.Description, old.Description, u.SetDescription)
		addMissing(&changed, ids(old.Edges.Organizers, organizationID), a.organizationIDs(n.Organizers), u.AddOrganizerIDs)
		addMissing(&changed, ids(old.Edges.Sources, documentID), a.documentIDs(n.Sources), u.AddSourceIDs)
		if err := a.save(ctx, EntityNetwork, n.Name, changed, u.Exec); err != nil {
			return err
		}
	}
	if len(creates) == 0 {
		return nil
	}
	created, err := saveInBatches(ctx, creates, len(network.Columns), func(c *ent.NetworkCreate) int { return addedIDs(c.Mutation()) },
		func(ctx context.Context, part []*ent.NetworkCreate) ([]*ent.Network, error) {
			return a.c.Network.CreateBulk(part...).Save(ctx)
		})
	if err != nil {
		return fmt.Errorf("create %d networks: %w", len(creates), err)
	}
	for _, n := range created {
		a.networks[n.Name] = n
	}
	return nil
}

// applyTerms upserts the terms of the bundle's networks by (network, number), with their
// municipalities (those its memberships name included), themes and sources.
func (a *applier) applyTerms(ctx context.Context) error {
	var (
		creates []*ent.NetworkTermCreate
		keys    []termKey
	)
	for i := range a.b.Networks {
		n := &a.b.Networks[i]
		for j := range n.Terms {
			t := &n.Terms[j]
			key := termKey{n.Name, t.Number}
			name := termName(key)
			old := a.terms[key]
			if old == nil {
				creates = append(creates, a.c.NetworkTerm.Create().
					SetNetworkID(a.networks[n.Name].ID).
					SetNumber(t.Number).
					SetStartYear(t.StartYear).
					SetNillableEndYear(opt(t.EndYear)).
					SetNillableMunicipalityCount(opt(t.MunicipalityCount)).
					SetNillableDescription(opt(t.Description)).
					AddMunicipalityIDs(dedupe(a.municipalityIDs(termMunicipalities(t)))...).
					AddThemeIDs(dedupe(a.themeIDs(t.Themes))...).
					AddSourceIDs(dedupe(a.documentIDs(t.Sources))...))
				keys = append(keys, key)
				a.track.record(EntityNetworkTerm, name, Create)
				continue
			}
			u := a.c.NetworkTerm.UpdateOneID(old.ID)
			changed := false
			setRequired(&changed, t.StartYear, old.StartYear, u.SetStartYear)
			setOptional(&changed, t.EndYear, old.EndYear, u.SetEndYear)
			setOptional(&changed, t.MunicipalityCount, old.MunicipalityCount, u.SetMunicipalityCount)
			setOptional(&changed, t.Description, old.Description, u.SetDescription)
			addMissing(&changed, ids(old.Edges.Municipalities, municipalityID), a.municipalityIDs(termMunicipalities(t)), u.AddMunicipalityIDs)
			addMissing(&changed, ids(old.Edges.Themes, themeID), a.themeIDs(t.Themes), u.AddThemeIDs)
			addMissing(&changed, ids(old.Edges.Sources, documentID), a.documentIDs(t.Sources), u.AddSourceIDs)
			if err := a.save(ctx, EntityNetworkTerm, name, changed, u.Exec); err != nil {
				return err
			}
		}
	}
	if len(creates) == 0 {
		return nil
	}
	created, err := saveInBatches(ctx, creates, len(networkterm.Columns), func(c *ent.NetworkTermCreate) int { return addedIDs(c.Mutation()) },
		func(ctx context.Context, part []*ent.NetworkTermCreate) ([]*ent.NetworkTerm, error) {
			return a.c.NetworkTerm.CreateBulk(part...).Save(ctx)
		})
	if err != nil {
		return fmt.Errorf("create %d network terms: %w", len(creates), err)
	}
	for i, t := range created {
		a.terms[keys[i]] = t
	}
	return nil
}

// termName names a term in a report: "USO term 4".
func termName(k termKey) string {
	return fmt.Sprintf("%s term %d", k.network, k.number)
}

// termMunicipalities returns the codes of a term's municipalities: those it lists and
// those its memberships name.
func termMunicipalities(t *Term) []string {
	out := slices.Clone(t.Municipalities)
	for _, m := range t.Memberships {
		out = append(out, m.Municipalities...)
	}
	return out
}

// membershipKey is the natural key of a term membership.
type membershipKey struct{ term, municipality, source pulid.ID }

// applyMemberships upserts one TermMembership per (term, municipality, document) the
// bundle's terms state, with its status.
func (a *applier) applyMemberships(ctx context.Context) error {
	type wanted struct {
		key    membershipKey
		status termmembership.Status
		name   string
	}
	var want []wanted
	var terms []pulid.ID
	for i := range a.b.Networks {
		n := &a.b.Networks[i]
		for j := range n.Terms {
			t := &n.Terms[j]
			if len(t.Memberships) == 0 {
				continue
			}
			k := termKey{n.Name, t.Number}
			term := a.terms[k].ID
			terms = append(terms, term)
			for _, m := range t.Memberships {
				for _, code := range m.Municipalities {
					want = append(want, wanted{
						key:    membershipKey{term, a.municipalities[code], a.documents[m.Source].ID},
						status: termmembership.Status(m.Status),
						name:   fmt.Sprintf("%s: %s per %s", termName(k), code, m.Source),
					})
				}
			}
		}
	}
	if len(want) == 0 {
		return nil
	}
	rows, err := readInChunks(terms, func(part []pulid.ID) ([]*ent.TermMembership, error) {
		return a.c.TermMembership.Query().Where(termmembership.TermIDIn(part...)).All(ctx)
	})
	if err != nil {
		return fmt.Errorf("read term memberships: %w", err)
	}
	have := make(map[membershipKey]*ent.TermMembership, len(rows))
	for _, r := range rows {
		have[membershipKey{r.TermID, r.MunicipalityID, r.SourceID}] = r
	}
	var creates []*ent.TermMembershipCreate
	for _, w := range want {
		old := have[w.key]
		if old == nil {
			creates = append(creates, a.c.TermMembership.Create().
				SetTermID(w.key.term).SetMunicipalityID(w.key.municipality).SetSourceID(w.key.source).SetStatus(w.status))
			a.track.record(EntityMembership, w.name, Create)
			continue
		}
		u := a.c.TermMembership.UpdateOneID(old.ID)
		changed := false
		setRequired(&changed, w.status, old.Status, u.SetStatus)
		if err := a.save(ctx, EntityMembership, w.name, changed, u.Exec); err != nil {
			return err
		}
	}
	if len(creates) == 0 {
		return nil
	}
	if _, err := saveInBatches(ctx, creates, len(termmembership.Columns), func(c *ent.TermMembershipCreate) int { return addedIDs(c.Mutation()) },
		func(ctx context.Context, part []*ent.TermMembershipCreate) ([]*ent.TermMembership, error) {
			return nil, a.c.TermMembership.CreateBulk(part...).Exec(ctx)
		}); err != nil {
		return fmt.Errorf("create %d term memberships: %w", len(creates), err)
	}
	return nil
}
