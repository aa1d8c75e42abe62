package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/internal/errcode"
	"github.com/teemaverkko/teemaverkko/internal/export"
	"github.com/teemaverkko/teemaverkko/internal/history"
	"github.com/teemaverkko/teemaverkko/internal/network"
)

// networkRequest is what an export of the theme network asks for.
type networkRequest struct {
	format    export.Format
	filter    network.Filter
	signals   []network.Signal
	minWeight float64
	// by and matchThreshold are the slicing of a dynamic export (dynamic-gexf).
	by             network.Dimension
	matchThreshold float64
}

// series is what the network service is asked for by a dynamic export.
func (r networkRequest) series() network.SeriesRequest {
	return network.SeriesRequest{By: r.by, Request: r.network(), MatchThreshold: r.matchThreshold}
}

// errOverlapping refuses a dynamic export whose slices share days.
var errOverlapping = errors.New("by: the terms of different networks overlap in time, which a dynamic GEXF cannot show; " +
	"ask by=year, or by=term with the term parameter naming the terms of one network")

// exportInput loads what the request's format needs: the network (from the service) and
// the citations of its evidence, the series (from the service), or the mixed graph.
func exportInput(ctx context.Context, client *ent.Client, networks *network.Service, r networkRequest) (export.Input, error) {
	var in export.Input
	needs := r.format.Needs()
	// Kept under the version read now, as the API's networks are: shared with them, and
	// never one of before a write whose change event is late.
	if kb, err := history.Current(ctx, client); err == nil {
		ctx = network.WithVersion(ctx, kb.Version)
	}
	var err error
	if needs.Graph {
		if in.Graph, err = networks.Network(ctx, r.network()); err != nil {
			return in, err
		}
	}
	if needs.Citations {
		if in.Citations, err = export.LoadCitations(ctx, client); err != nil {
			return in, err
		}
		full, err := networks.FullEvidence(ctx, r.network())
		if err != nil {
			return in, err
		}
		in.Citations.WithFullEvidence(full)
	}
	if needs.Series {
		if in.Series, err = networks.Series(ctx, r.series()); err != nil {
			return in, err
		}
		if in.Series.Overlapping() {
			return in, errOverlapping
		}
	}
	if needs.Mixed {
		if in.Mixed, err = export.LoadMixed(ctx, client); err != nil {
			return in, err
		}
	}
	return in, nil
}

// network is what the network service is asked for.
func (r networkRequest) network() network.Request {
	return network.Request{Filter: r.filter, Signals: r.signals, MinWeight: r.minWeight}
}

// parseNetworkRequest reads the parameters shared by GET /export/network and the
// export-network command: format, seminar, term, municipality, region (IDs, repeatable or
// comma-separated), from, to (YYYY-MM-DD), minWeight, signals (repeatable or
// comma-separated, case-insensitive), and for dynamic-gexf by (term or year, default
// year) and matchThreshold (both numbers by network's rule, ParseMinWeight and
// ParseMatchThreshold). Format names are case-insensitive too.
func parseNetworkRequest(q url.Values) (networkRequest, error) {
	r := networkRequest{minWeight: 1, by: network.DimensionYear, matchThreshold: network.DefaultMatchThreshold}
	var err error
	if r.format, err = export.ParseFormat(cmp.Or(q.Get("format"), "graphml")); err != nil {
		return r, fmt.Errorf("format: %q is not one of %s", q.Get("format"), formatNames())
	}
	ids := func(name string) ([]pulid.ID, error) {
		var out []pulid.ID
		for _, v := range q[name] {
			for _, s := range strings.Split(v, ",") {
				if s = strings.TrimSpace(s); s == "" {
					continue
				}
				id := pulid.ID(s)
				if !id.Valid() {
					return nil, fmt.Errorf("%s: %q is not a valid ID", name, s)
				}
				out = append(out, id)
			}
		}
		return out, nil
	}
	if r.filter.SeminarIDs, err = ids("seminar"); err != nil {
		return r, err
	}
	if r.filter.TermIDs, err = ids("term"); err != nil {
		return r, err
	}
	if r.filter.MunicipalityIDs, err = ids("municipality"); err != nil {
		return r, err
	}
	if r.filter.RegionIDs, err = ids("region"); err != nil {
		return r, err
	}
	for name, dst := range map[string]**time.Time{"from": &r.filter.From, "to": &r.filter.To} {
		if v := q.Get(name); v != "" {
			t, p, err := calendar.Parse(v)
			if err != nil || p != calendar.Day {
				return r, fmt.Errorf("%s: %q is not a date in the form YYYY-MM-DD", name, v)
			}
			*dst = &t
		}
	}
	if v := q.Get("minWeight"); v != "" {
		if r.minWeight, err = network.ParseMinWeight(v); err != nil {
			return r, err
		}
	}
	if v := q.Get("by"); v != "" {
		switch by := network.Dimension(strings.ToUpper(strings.TrimSpace(v))); by {
		case network.DimensionTerm, network.DimensionYear:
			r.by = by
		default:
			return r, fmt.Errorf("by: %q is not term or year", v)
		}
	}
	if v := q.Get("matchThreshold"); v != "" {
		if r.matchThreshold, err = network.ParseMatchThreshold(v); err != nil {
			return r, err
		}
	}
	for _, v := range q["signals"] {
		for _, s := range strings.Split(v, ",") {
			if s = strings.ToUpper(strings.TrimSpace(s)); s == "" {
				continue
			}
			sig := network.Signal(s)
			if !slices.Contains(network.AllSignals, sig) {
				return r, fmt.Errorf("signals: %q is not one of %s", s, signalNames())
			}
			if !slices.Contains(r.signals, sig) {
				r.signals = append(r.signals, sig)
			}
		}
	}
	return r, nil
}

// networkExportHandler serves GET /export/network: the theme network as GraphML, GEXF or
// CSV, with the content type and a file name for the download.
func networkExportHandler(ready *atomic.Pointer[backend]) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := ready.Load()
		if b == nil {
			unavailable(w, "the server is starting: the database is not connected yet")
			return
		}
		req, err := parseNetworkRequest(r.URL.Query())
		if err != nil {
			errcode.WriteHTTP(w, http.StatusBadRequest, errcode.BadInput, err.Error())
			return
		}
		in, err := exportInput(r.Context(), b.client, b.networks, req)
		if errors.Is(err, errOverlapping) {
			errcode.WriteHTTP(w, http.StatusBadRequest, errcode.BadInput, err.Error())
			return
		}
		if err != nil {
			unavailable(w, "the network could not be computed; try again shortly")
			return
		}
		w.Header().Set("Content-Type", export.ContentType(string(req.format)))
		w.Header().Set("Content-Disposition", `attachment; filename="`+export.FileName(string(req.format))+`"`)
		_ = export.Write(w, req.format, in)
	})
}

// exportNetworkCommand writes the theme network to a file:
// server export-network [-format graphml|gexf|…] [-by term|year] [-o FILE] [filters]
func exportNetworkCommand(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	cfg, err := parseExportNetworkConfig(args, getenv)
	if err != nil {
		return err
	}
	client, closeDB, err := openClient(ctx, cfg.databaseURL)
	if err != nil {
		return err
	}
	defer closeDB()
	// Built as the server builds it, through a service; one network, so nothing to cache.
	networks := network.NewService(client, network.Options{})
	defer networks.Close()
	in, err := exportInput(ctx, client, networks, cfg.request)
	if err != nil {
		return err
	}
	return writeOutput(cfg.output, out, func(w io.Writer) error { return export.Write(w, cfg.request.format, in) })
}

// formatNames lists the export formats as the README and the HTTP parameter spell them.
func formatNames() string {
	names := make([]string, len(export.Formats))
	for i, f := range export.Formats {
		names[i] = f.Name()
	}
	return orList(names)
}

// signalNames lists the signals as the README spells them.
func signalNames() string {
	names := make([]string, len(network.AllSignals))
	for i, s := range network.AllSignals {
		names[i] = string(s)
	}
	return orList(names)
}

// defaultSignalNames lists the signals that count when none are given, comma-separated
// as the flag takes them.
func defaultSignalNames() string {
	names := make([]string, len(network.DefaultSignals))
	for i, s := range network.DefaultSignals {
		names[i] = string(s)
	}
	return strings.Join(names, ",")
}

// orList writes "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
