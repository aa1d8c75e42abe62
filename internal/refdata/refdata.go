// Package refdata holds the reference data of Finnish regions (maakunnat) and
// municipalities (kunnat) with their official codes and their history since 2013, and
// loads it into the database.
//
// The data is embedded from data/regions.csv and data/municipalities.csv. Source:
// Statistics Finland (municipality and regional classifications), via the rOpenGov geofi
// R package; CC BY 4.0 (see data/README.md and data/SOURCES.md).
package refdata

import (
	"bytes"
	"cmp"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"slices"
	"time"

	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
)

//go:embed data/regions.csv data/municipalities.csv
var files embed.FS

var (
	regionCode       = regexp.MustCompile(`^[0-9]{2}$`)
	municipalityCode = regexp.MustCompile(`^[0-9]{3}$`)
)

// Region is one row of regions.csv: a region (maakunta) with its names today.
type Region struct {
	// Code is the two-digit region code, for example "17".
	Code string
	// Name is the Finnish name, NameSv the Swedish one.
	Name, NameSv string
}

// Row is one row of municipalities.csv: a period in which a municipality's names and
// region stayed the same.
type Row struct {
	// Code is the three-digit municipality code, for example "535".
	Code string
	// Name is the Finnish name in this period, NameSv the Swedish one.
	Name, NameSv string
	// RegionCode is the code of the region the municipality belonged to in this period.
	RegionCode string
	// ValidFrom is the first day of the period (midnight UTC); nil when the period began
	// before the data does (2013).
	ValidFrom *time.Time
	// ValidTo is the last day of the period (midnight UTC); nil while it lasts.
	ValidTo *time.Time
}

// Municipality is a municipality as the database holds it: its latest names and region,
// and the span of all its periods.
type Municipality struct {
	// Code is the three-digit municipality code.
	Code string
	// Name and NameSv are the names of the latest period.
	Name, NameSv string
	// RegionCode is the region of the latest period.
	RegionCode string
	// ValidFrom is the first day of the earliest period; nil when that began before 2013.
	ValidFrom *time.Time
	// ValidTo is the last day of the latest period; nil while the municipality exists.
	ValidTo *time.Time
	// Periods are the municipality's rows, oldest first.
	Periods []Row
}

// Regions returns the regions of the embedded regions.csv, in file order.
func Regions() ([]Region, error) {
	records, err := readCSV("data/regions.csv", []string{"code", "name_fi", "name_sv"})
	if err != nil {
		return nil, err
	}
	regions := make([]Region, 0, len(records))
	for i, r := range records {
		if !regionCode.MatchString(r[0]) || r[1] == "" || r[2] == "" {
			return nil, fmt.Errorf("regions.csv line %d: bad region %q", i+2, r)
		}
		regions = append(regions, Region{Code: r[0], Name: r[1], NameSv: r[2]})
	}
	return regions, nil
}

// Rows returns the rows of the embedded municipalities.csv, in file order.
func Rows() ([]Row, error) {
	records, err := readCSV("data/municipalities.csv",
		[]string{"code", "name_fi", "name_sv", "region_code", "region_fi", "region_sv", "valid_from", "valid_to"})
	if err != nil {
		return nil, err
	}
	rows := make([]Row, 0, len(records))
	for i, r := range records {
		row, err := parseRow(r)
		if err != nil {
			return nil, fmt.Errorf("municipalities.csv line %d: %w", i+2, err)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// Municipalities groups the rows of municipalities.csv by code, ordered by code.
func Municipalities() ([]Municipality, error) {
	rows, err := Rows()
	if err != nil {
		return nil, err
	}
	byCode := map[string][]Row{}
	for _, r := range rows {
		byCode[r.Code] = append(byCode[r.Code], r)
	}
	munis := make([]Municipality, 0, len(byCode))
	for code, periods := range byCode {
		slices.SortStableFunc(periods, func(a, b Row) int { return compareStart(a.ValidFrom, b.ValidFrom) })
		for i := 1; i < len(periods); i++ {
			if compareStart(periods[i-1].ValidFrom, periods[i].ValidFrom) == 0 {
				return nil, fmt.Errorf("municipalities.csv: municipality %s has two periods with the same valid_from", code)
			}
		}
		first, last := periods[0], periods[len(periods)-1]
		munis = append(munis, Municipality{
			Code:       code,
			Name:       last.Name,
			NameSv:     last.NameSv,
			RegionCode: last.RegionCode,
			ValidFrom:  first.ValidFrom,
			ValidTo:    last.ValidTo,
			Periods:    periods,
		})
	}
	slices.SortFunc(munis, func(a, b Municipality) int { return cmp.Compare(a.Code, b.Code) })
	return munis, nil
}

// compareStart orders period starts, a nil start (before the data begins) first.
func compareStart(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return a.Compare(*b)
}

func parseRow(r []string) (Row, error) {
	row := Row{Code: r[0], Name: r[1], NameSv: r[2], RegionCode: r[3]}
	if !municipalityCode.MatchString(row.Code) {
		return Row{}, fmt.Errorf("bad municipality code %q", row.Code)
	}
	if !regionCode.MatchString(row.RegionCode) {
		return Row{}, fmt.Errorf("bad region code %q", row.RegionCode)
	}
	if row.Name == "" || row.NameSv == "" {
		return Row{}, fmt.Errorf("municipality %s has an empty name", row.Code)
	}
	var err error
	if row.ValidFrom, err = parseDate(r[6]); err != nil {
		return Row{}, fmt.Errorf("valid_from: %w", err)
	}
	if row.ValidTo, err = parseDate(r[7]); err != nil {
		return Row{}, fmt.Errorf("valid_to: %w", err)
	}
	return row, nil
}

// parseDate reads a YYYY-MM-DD date as midnight UTC; a blank cell gives nil.
func parseDate(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(calendar.Layout, s)
	if err != nil {
		return nil, fmt.Errorf("date %q is not in the form YYYY-MM-DD", s)
	}
	t = calendar.Normalize(t)
	return &t, nil
}

// readCSV reads an embedded CSV file, checks its header and returns the other records.
func readCSV(name string, header []string) ([][]string, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = len(header)
	got, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("read %s header: %w", name, err)
	}
	if !slices.Equal(got, header) {
		return nil, fmt.Errorf("%s header is %q, want %q", name, got, header)
	}
	var records [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return records, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		records = append(records, rec)
	}
}
