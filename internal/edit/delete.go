// Package edit holds the rules of editing beyond ent's field validators: what a
// deletion refuses and what it takes with it, and (Use) the checks of what a create or
// update refers to. Every function runs on the client it is given (inside the request's
// transaction), so that a refusal or failure leaves nothing half-deleted.
//
//	type               on delete
//	Region             refused while municipalities or history periods refer to it
//	Municipality       takes its history periods and term memberships; its links to terms, outcomes and seminars go; experts and organisations keep existing without it
//	MunicipalityPeriod deleted alone
//	Organization       its people, documents and appearances keep existing without it
//	Expert             takes its appearances; its links go
//	Network            refused while it has terms
//	NetworkTerm        takes its memberships; its seminars keep existing without a term
//	Seminar            takes its sessions (with their appearances) and its outcomes
//	Session            takes its appearances; its outcomes stay with the seminar
//	Theme              its narrower themes lose their parent; its links go
//	Outcome            its links go
//	Document           refused while it is the only source of an outcome; takes its appearances and the term memberships it states
//	Appearance         deleted alone
//	TermMembership     deleted alone (the term's link to the municipality stays)
package edit

import (
	"context"
	"fmt"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/appearance"
	"github.com/teemaverkko/teemaverkko/ent/document"
	"github.com/teemaverkko/teemaverkko/ent/municipality"
	"github.com/teemaverkko/teemaverkko/ent/municipalityperiod"
	"github.com/teemaverkko/teemaverkko/ent/networkterm"
	"github.com/teemaverkko/teemaverkko/ent/outcome"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/ent/session"
	"github.com/teemaverkko/teemaverkko/ent/termmembership"
	"github.com/teemaverkko/teemaverkko/internal/apierr"
)

// deleteOne deletes one row by ID, mapping a missing row to NOT_FOUND.
func deleteOne(ctx context.Context, exec func(context.Context) error, typ string, id pulid.ID) (pulid.ID, error) {
	if err := exec(ctx); err != nil {
		if ent.IsNotFound(err) {
			return "", apierr.NotFoundf("id", "no %s with id %s", typ, id)
		}
		return "", fmt.Errorf("delete %s %s: %w", typ, id, err)
	}
	return id, nil
}

// DeleteRegion deletes a region that no municipality or history period refers to.
func DeleteRegion(ctx context.Context, c *ent.Client, id pulid.ID) (pulid.ID, error) {
	n, err := c.Municipality.Query().Where(municipality.RegionID(id)).Count(ctx)
	if err != nil {
		return "", fmt.Errorf("count municipalities of region: %w", err)
	}
	p, err := c.MunicipalityPeriod.Query().Where(municipalityperiod.RegionID(id)).Count(ctx)
	if err != nil {
		return "", fmt.Errorf("count periods of region: %w", err)
	}
	if n+p > 0 {
		return "", apierr.Conflictf("id", "the region still has %d municipalities and %d history periods: move or delete them first", n, p)
	}
	return deleteOne(ctx, c.Region.DeleteOneID(id).Exec, "region", id)
}

// DeleteMunicipality deletes a municipality with its history periods.
func DeleteMunicipality(ctx context.Context, c *ent.Client, id pulid.ID) (pulid.ID, error) {
	if _, err := c.MunicipalityPeriod.Delete().Where(municipalityperiod.MunicipalityID(id)).Exec(ctx); err != nil {
		return "", fmt.Errorf("delete periods of municipality: %w", err)
	}
	if _, err := c.TermMembership.Delete().Where(termmembership.MunicipalityID(id)).Exec(ctx); err != nil {
		return "", fmt.Errorf("delete term memberships of municipality: %w", err)
	}
	return deleteOne(ctx, c.Municipality.DeleteOneID(id).Exec, "municipality", id)
}

// DeleteMunicipalityPeriod deletes one period of a municipality's history.
func DeleteMunicipalityPeriod(ctx context.Context, c *ent.Client, id pulid.ID) (pulid.ID, error) {
	return deleteOne(ctx, c.MunicipalityPeriod.DeleteOneID(id).Exec, "municipality period", id)
}

// DeleteOrganization deletes an organisation; what referred to it keeps existing.
func DeleteOrganization(ctx context.Context, c *ent.Client, id pulid.ID) (pulid.ID, error) {
	return deleteOne(ctx, c.Organization.DeleteOneID(id).Exec, "organization", id)
}

// DeleteExpert deletes a person with their appearances.
func DeleteExpert(ctx context.Context, c *ent.Client, id pulid.ID) (pulid.ID, error) {
	if _, err := c.Appearance.Delete().Where(appearance.ExpertID(id)).Exec(ctx); err != nil {
		return "", fmt.Errorf("delete appearances of expert: %w", err)
	}
	return deleteOne(ctx, c.Expert.DeleteOneID(id).Exec, "expert", id)
}

// DeleteNetwork deletes a network that has no terms.
func DeleteNetwork(ctx context.Context, c *ent.Client, id pulid.ID) (pulid.ID, error) {
	n, err := c.NetworkTerm.Query().Where(networkterm.NetworkID(id)).Count(ctx)
	if err != nil {
		return "", fmt.Errorf("count terms of network: %w", err)
	}
	if n > 0 {
		return "", apierr.Conflictf("id", "the network still has %d terms: delete them first", n)
	}
	return deleteOne(ctx, c.Network.DeleteOneID(id).Exec, "network", id)
}

// DeleteNetworkTerm deletes a term with its memberships; its seminars keep existing
// without one.
func DeleteNetworkTerm(ctx context.Context, c *ent.Client, id pulid.ID) (pulid.ID, error) {
	if _, err := c.TermMembership.Delete().Where(termmembership.TermID(id)).Exec(ctx); err != nil {
		return "", fmt.Errorf("delete memberships of term: %w", err)
	}
	return deleteOne(ctx, c.NetworkTerm.DeleteOneID(id).Exec, "network term", id)
}

// DeleteSeminar deletes a seminar with its sessions, their appearances, and its outcomes.
func DeleteSeminar(ctx context.Context, c *ent.Client, id pulid.ID) (pulid.ID, error) {
	if _, err := c.Outcome.Delete().Where(outcome.SeminarID(id)).Exec(ctx); err != nil {
		return "", fmt.Errorf("delete outcomes of seminar: %w", err)
	}
	if _, err := c.Appearance.Delete().Where(appearance.HasSessionWith(session.SeminarID(id))).Exec(ctx); err != nil {
		return "", fmt.Errorf("delete appearances of seminar: %w", err)
	}
	if _, err := c.Session.Delete().Where(session.SeminarID(id)).Exec(ctx); err != nil {
		return "", fmt.Errorf("delete sessions of seminar: %w", err)
	}
	return deleteOne(ctx, c.Seminar.DeleteOneID(id).Exec, "seminar", id)
}

// DeleteSession deletes a session with its appearances; its outcomes stay with the seminar.
func DeleteSession(ctx context.Context, c *ent.Client, id pulid.ID) (pulid.ID, error) {
	if _, err := c.Appearance.Delete().Where(appearance.SessionID(id)).Exec(ctx); err != nil {
		return "", fmt.Errorf("delete appearances of session: %w", err)
	}
	return deleteOne(ctx, c.Session.DeleteOneID(id).Exec, "session", id)
}

// DeleteTheme deletes a theme; its narrower themes lose their parent.
func DeleteTheme(ctx context.Context, c *ent.Client, id pulid.ID) (pulid.ID, error) {
	return deleteOne(ctx, c.Theme.DeleteOneID(id).Exec, "theme", id)
}

// DeleteOutcome deletes an outcome.
func DeleteOutcome(ctx context.Context, c *ent.Client, id pulid.ID) (pulid.ID, error) {
	return deleteOne(ctx, c.Outcome.DeleteOneID(id).Exec, "outcome", id)
}

// DeleteDocument deletes a document that is not the only source of an outcome, with its
// appearances and the term memberships it states.
func DeleteDocument(ctx context.Context, c *ent.Client, id pulid.ID) (pulid.ID, error) {
	cited, err := c.Outcome.Query().Where(outcome.HasSourcesWith(document.ID(id))).WithSources().All(ctx)
	if err != nil {
		return "", fmt.Errorf("find outcomes citing document: %w", err)
	}
	only := 0
	for _, o := range cited {
		if OutcomeSources(len(o.Edges.Sources)-1) != nil {
			only++
		}
	}
	if only > 0 {
		return "", apierr.Conflictf("id", "the document is the only source of %d outcomes: every outcome must cite a source", only)
	}
	if _, err := c.Appearance.Delete().Where(appearance.DocumentID(id)).Exec(ctx); err != nil {
		return "", fmt.Errorf("delete appearances of document: %w", err)
	}
	if _, err := c.TermMembership.Delete().Where(termmembership.SourceID(id)).Exec(ctx); err != nil {
		return "", fmt.Errorf("delete term memberships stated by document: %w", err)
	}
	return deleteOne(ctx, c.Document.DeleteOneID(id).Exec, "document", id)
}

// LinkMembership adds the membership's municipality to its term's municipalities when
// it is not there yet: every municipality a document states to be part of a term is one
// of the term's municipalities (bundles keep the same rule).
func LinkMembership(ctx context.Context, c *ent.Client, tm *ent.TermMembership) error {
	linked, err := c.NetworkTerm.Query().
		Where(networkterm.ID(tm.TermID), networkterm.HasMunicipalitiesWith(municipality.ID(tm.MunicipalityID))).Exist(ctx)
	if err != nil {
		return fmt.Errorf("check term municipality: %w", err)
	}
	if linked {
		return nil
	}
	if err := c.NetworkTerm.UpdateOneID(tm.TermID).AddMunicipalityIDs(tm.MunicipalityID).Exec(ctx); err != nil {
		return fmt.Errorf("link term municipality: %w", err)
	}
	return nil
}

// DeleteTermMembership deletes one document's statement of a term membership; the term's
// link to the municipality stays.
func DeleteTermMembership(ctx context.Context, c *ent.Client, id pulid.ID) (pulid.ID, error) {
	return deleteOne(ctx, c.TermMembership.DeleteOneID(id).Exec, "term membership", id)
}

// DeleteAppearance deletes an appearance.
func DeleteAppearance(ctx context.Context, c *ent.Client, id pulid.ID) (pulid.ID, error) {
	return deleteOne(ctx, c.Appearance.DeleteOneID(id).Exec, "appearance", id)
}
