package refdata

import (
	"context"
	"fmt"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/municipality"
	"github.com/teemaverkko/teemaverkko/ent/municipalityperiod"
	"github.com/teemaverkko/teemaverkko/ent/region"
	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
)

// Counts says how many rows of one table a Load created, updated and left unchanged.
type Counts struct {
	Created, Updated, Unchanged int
}

// Stats reports what a Load did, table by table.
type Stats struct {
	Regions        Counts
	Municipalities Counts
	Periods        Counts
}

// Changed reports whether the Load wrote anything.
func (s Stats) Changed() bool {
	for _, c := range []Counts{s.Regions, s.Municipalities, s.Periods} {
		if c.Created+c.Updated > 0 {
			return true
		}
	}
	return false
}

// Load upserts the embedded regions, municipalities and municipality periods into the
// database, in one transaction. It is idempotent: regions and municipalities are matched
// by code, periods by (municipality, valid_from); missing rows are created in bulk, rows
// whose values differ are updated, and nothing is deleted. A Load over data already
// loaded reads each table once and writes nothing.
//
// A municipality gets the names and region of its latest period, the valid_from of its
// earliest period and the valid_to of its latest one.
func Load(ctx context.Context, client *ent.Client) (Stats, error) {
	regions, err := Regions()
	if err != nil {
		return Stats{}, err
	}
	munis, err := Municipalities()
	if err != nil {
		return Stats{}, err
	}
	tx, err := client.Tx(ctx)
	if err != nil {
		return Stats{}, fmt.Errorf("refdata: begin transaction: %w", err)
	}
	stats, err := load(ctx, tx.Client(), regions, munis)
	if err != nil {
		_ = tx.Rollback()
		return Stats{}, fmt.Errorf("refdata: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return Stats{}, fmt.Errorf("refdata: commit: %w", err)
	}
	return stats, nil
}

func load(ctx context.Context, c *ent.Client, regions []Region, munis []Municipality) (Stats, error) {
	var stats Stats
	regionIDs, err := loadRegions(ctx, c, regions, &stats.Regions)
	if err != nil {
		return Stats{}, err
	}
	muniIDs, err := loadMunicipalities(ctx, c, munis, regionIDs, &stats.Municipalities)
	if err != nil {
		return Stats{}, err
	}
	if err := loadPeriods(ctx, c, munis, muniIDs, regionIDs, &stats.Periods); err != nil {
		return Stats{}, err
	}
	return stats, nil
}

// Updates go through Update().Where(ID) rather than UpdateOneID: one UPDATE statement,
// without the SELECT that UpdateOne runs to return the updated row.

// loadRegions upserts the regions by code and returns the ID of every region by code.
func loadRegions(ctx context.Context, c *ent.Client, regions []Region, counts *Counts) (map[string]pulid.ID, error) {
	existing, err := c.Region.Query().All(ctx)
	if err != nil {
		return nil, fmt.Errorf("read regions: %w", err)
	}
	ids := make(map[string]pulid.ID, len(regions))
	byCode := make(map[string]*ent.Region, len(existing))
	for _, r := range existing {
		byCode[r.Code] = r
		ids[r.Code] = r.ID
	}
	var creates []*ent.RegionCreate
	for _, r := range regions {
		old, ok := byCode[r.Code]
		switch {
		case !ok:
			creates = append(creates, c.Region.Create().SetCode(r.Code).SetName(r.Name).SetNameSv(r.NameSv))
		case old.Name != r.Name || old.NameSv != r.NameSv:
			if err := c.Region.Update().Where(region.ID(old.ID)).SetName(r.Name).SetNameSv(r.NameSv).Exec(ctx); err != nil {
				return nil, fmt.Errorf("update region %s: %w", r.Code, err)
			}
			counts.Updated++
		default:
			counts.Unchanged++
		}
	}
	if len(creates) > 0 {
		created, err := c.Region.CreateBulk(creates...).Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("create regions: %w", err)
		}
		for _, r := range created {
			ids[r.Code] = r.ID
		}
		counts.Created += len(created)
	}
	return ids, nil
}

// loadMunicipalities upserts the municipalities by code and returns the ID of every
// municipality by code.
func loadMunicipalities(ctx context.Context, c *ent.Client, munis []Municipality, regionIDs map[string]pulid.ID, counts *Counts) (map[string]pulid.ID, error) {
	existing, err := c.Municipality.Query().All(ctx)
	if err != nil {
		return nil, fmt.Errorf("read municipalities: %w", err)
	}
	ids := make(map[string]pulid.ID, len(munis))
	byCode := make(map[string]*ent.Municipality, len(existing))
	for _, m := range existing {
		byCode[m.Code] = m
		ids[m.Code] = m.ID
	}
	var creates []*ent.MunicipalityCreate
	for _, m := range munis {
		regionID, ok := regionIDs[m.RegionCode]
		if !ok {
			return nil, fmt.Errorf("municipality %s: unknown region %s", m.Code, m.RegionCode)
		}
		old, ok := byCode[m.Code]
		switch {
		case !ok:
			creates = append(creates, c.Municipality.Create().
				SetCode(m.Code).SetName(m.Name).SetNameSv(m.NameSv).SetRegionID(regionID).
				SetNillableValidFrom(m.ValidFrom).SetNillableValidTo(m.ValidTo))
		case old.Name != m.Name || old.NameSv != m.NameSv || !sameID(old.RegionID, regionID) ||
			!sameDate(old.ValidFrom, m.ValidFrom) || !sameDate(old.ValidTo, m.ValidTo):
			u := c.Municipality.Update().Where(municipality.ID(old.ID)).
				SetName(m.Name).SetNameSv(m.NameSv).SetRegionID(regionID)
			if m.ValidFrom == nil {
				u.ClearValidFrom()
			} else {
				u.SetValidFrom(*m.ValidFrom)
			}
			if m.ValidTo == nil {
				u.ClearValidTo()
			} else {
				u.SetValidTo(*m.ValidTo)
			}
			if err := u.Exec(ctx); err != nil {
				return nil, fmt.Errorf("update municipality %s: %w", m.Code, err)
			}
			counts.Updated++
		default:
			counts.Unchanged++
		}
	}
	if len(creates) > 0 {
		created, err := c.Municipality.CreateBulk(creates...).Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("create municipalities: %w", err)
		}
		for _, m := range created {
			ids[m.Code] = m.ID
		}
		counts.Created += len(created)
	}
	return ids, nil
}

// periodKey is the natural key of a municipality period: the municipality and the first
// day of the period ("" when the period began before the data does).
type periodKey struct {
	municipality pulid.ID
	from         string
}

func keyOf(municipality pulid.ID, from *time.Time) periodKey {
	k := periodKey{municipality: municipality}
	if from != nil {
		k.from = calendar.Normalize(*from).Format(calendar.Layout)
	}
	return k
}

// loadPeriods upserts one municipality period per CSV row, by (municipality, valid_from).
func loadPeriods(ctx context.Context, c *ent.Client, munis []Municipality, muniIDs, regionIDs map[string]pulid.ID, counts *Counts) error {
	existing, err := c.MunicipalityPeriod.Query().All(ctx)
	if err != nil {
		return fmt.Errorf("read municipality periods: %w", err)
	}
	byKey := make(map[periodKey]*ent.MunicipalityPeriod, len(existing))
	for _, p := range existing {
		k := keyOf(p.MunicipalityID, p.ValidFrom)
		if _, dup := byKey[k]; !dup {
			byKey[k] = p
		}
	}
	var creates []*ent.MunicipalityPeriodCreate
	for _, m := range munis {
		muniID := muniIDs[m.Code]
		for _, r := range m.Periods {
			regionID := regionIDs[r.RegionCode]
			old, ok := byKey[keyOf(muniID, r.ValidFrom)]
			switch {
			case !ok:
				creates = append(creates, c.MunicipalityPeriod.Create().
					SetMunicipalityID(muniID).SetRegionID(regionID).
					SetName(r.Name).SetNameSv(r.NameSv).
					SetNillableValidFrom(r.ValidFrom).SetNillableValidTo(r.ValidTo))
			case old.Name != r.Name || old.NameSv != r.NameSv || old.RegionID != regionID || !sameDate(old.ValidTo, r.ValidTo):
				u := c.MunicipalityPeriod.Update().Where(municipalityperiod.ID(old.ID)).
					SetName(r.Name).SetNameSv(r.NameSv).SetRegionID(regionID)
				if r.ValidTo == nil {
					u.ClearValidTo()
				} else {
					u.SetValidTo(*r.ValidTo)
				}
				if err := u.Exec(ctx); err != nil {
					return fmt.Errorf("update period of municipality %s from %v: %w", m.Code, r.ValidFrom, err)
				}
				counts.Updated++
			default:
				counts.Unchanged++
			}
		}
	}
	if len(creates) > 0 {
		if err := c.MunicipalityPeriod.CreateBulk(creates...).Exec(ctx); err != nil {
			return fmt.Errorf("create municipality periods: %w", err)
		}
		counts.Created += len(creates)
	}
	return nil
}

// sameDate reports whether two optional dates are the same calendar day (or both nil).
func sameDate(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return calendar.Normalize(*a).Equal(calendar.Normalize(*b))
}

// sameID reports whether an optional foreign key holds id.
func sameID(a *pulid.ID, id pulid.ID) bool { return a != nil && *a == id }
