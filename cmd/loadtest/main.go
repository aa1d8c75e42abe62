// Command loadtest replays the representative queries of bench/queries against a
// running Teemaverkko server, with N concurrent clients for a fixed time per query, and
// reports per query the requests, errors, throughput and latency percentiles:
//
//	go run ./cmd/loadtest -url http://127.0.0.1:8080/graphql -clients 4 -duration 20s -queries bench/queries/ [-pid PID]
//
// Each query is prepared once (its setup query binds variables, for example the ID for
// node(id:)) and run once to check it, then run by every client in a loop until the
// duration is over; a request in flight then finishes and counts. A paginated query
// (a walk to the last page) counts the whole walk as one request, and reports its
// pages. Every response is checked: an HTTP status other than 200 or any GraphQL error
// counts as an error, and any error makes the command exit with status 1.
//
// With -pid (the server's process, not `go run`'s: build the server and run the
// binary), it reports the server's resident memory: the peak of the process's life
// (VmHWM) and the largest sampled during the run (VmRSS, every 100 ms).
//
// Start the server with RATE_LIMIT=0: its default rate limit (20 requests a second per
// address) would refuse most requests with 429. The tool talks only to a loopback
// address: it is for measuring one's own server. BENCHMARKS.md has the whole recipe.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/teemaverkko/teemaverkko/bench/queryset"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	ok, err := run(ctx, os.Args[1:], os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

type config struct {
	url      string
	clients  int
	duration time.Duration
	dir      string
	pid      int
	only     []string
	timeout  time.Duration
}

func parse(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.StringVar(&c.url, "url", "http://127.0.0.1:8080/graphql", "the GraphQL endpoint (a loopback address)")
	fs.IntVar(&c.clients, "clients", 4, "concurrent clients")
	fs.DurationVar(&c.duration, "duration", 20*time.Second, "how long each query runs")
	fs.StringVar(&c.dir, "queries", "bench/queries", "the folder of *.graphql queries (with optional .json)")
	fs.IntVar(&c.pid, "pid", 0, "the server's process ID, to report its resident memory (Linux)")
	only := fs.String("only", "", "run only these queries (comma-separated names)")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "the longest one request may take")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if c.clients < 1 || c.clients > 256 {
		return c, fmt.Errorf("-clients %d: want 1 to 256", c.clients)
	}
	if c.duration <= 0 || c.duration > time.Hour {
		return c, fmt.Errorf("-duration %s: want more than 0 and at most an hour", c.duration)
	}
	if *only != "" {
		c.only = strings.Split(*only, ",")
	}
	if err := loopback(c.url); err != nil {
		return c, err
	}
	return c, nil
}

// loopback refuses any URL whose host is not a loopback address.
func loopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("-url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("-url %q: want http:// or https://", raw)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-url %q: only loopback addresses (127.0.0.1, ::1, localhost) are load-tested", raw)
}

// result is what the clients measured for one query.
type result struct {
	name      string
	latencies []time.Duration
	pages     int
	errors    int
	firstErr  error
	elapsed   time.Duration
}

func run(ctx context.Context, args []string, out io.Writer) (bool, error) {
	cfg, err := parse(args)
	if err != nil {
		return false, err
	}
	queries, err := queryset.Load(cfg.dir)
	if err != nil {
		return false, err
	}
	if cfg.only != nil {
		queries = slices.DeleteFunc(queries, func(q *queryset.Query) bool { return !slices.Contains(cfg.only, q.Name) })
		if len(queries) == 0 {
			return false, fmt.Errorf("-only %q matches no query", strings.Join(cfg.only, ","))
		}
	}
	transport := &http.Transport{MaxIdleConns: cfg.clients, MaxIdleConnsPerHost: cfg.clients, IdleConnTimeout: time.Minute}
	defer transport.CloseIdleConnections()
	post := queryset.HTTPPoster(&http.Client{Transport: transport, Timeout: cfg.timeout}, cfg.url)

	var mem *sampler
	if cfg.pid > 0 {
		if mem, err = newSampler(cfg.pid); err != nil {
			return false, err
		}
		defer mem.stop()
	}
	fmt.Fprintf(out, "%s: %d queries, %d clients, %s each\n", cfg.url, len(queries), cfg.clients, cfg.duration)
	var results []*result
	for _, q := range queries {
		if err := q.Prepare(ctx, post); err != nil {
			return false, err
		}
		if len(q.Variables) > 0 {
			vars, _ := json.Marshal(q.Variables)
			fmt.Fprintf(out, "%s: variables %.200s\n", q.Name, vars)
		}
		if _, err := q.Run(ctx, post, nil); err != nil {
			return false, fmt.Errorf("%s: check run: %w", q.Name, err)
		}
		results = append(results, load(ctx, q, post, cfg))
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
	}
	ok := report(out, results, cfg)
	if mem != nil {
		mem.report(out)
	}
	return ok, nil
}

// load runs q with cfg.clients clients for cfg.duration.
func load(ctx context.Context, q *queryset.Query, post queryset.Poster, cfg config) *result {
	res := &result{name: q.Name}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(cfg.duration)
	for range cfg.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			pages, errs := 0, 0
			var first error
			for ctx.Err() == nil && time.Now().Before(deadline) {
				t0 := time.Now()
				n, err := q.Run(ctx, post, nil)
				d := time.Since(t0)
				if err != nil {
					if ctx.Err() != nil {
						break
					}
					errs++
					if first == nil {
						first = err
					}
					continue
				}
				lat = append(lat, d)
				pages += n
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			res.pages += pages
			res.errors += errs
			if res.firstErr == nil {
				res.firstErr = first
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}

// percentile returns the nearest-rank percentile p (0–100) of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p/100*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64)
}

// report prints the table and returns whether every request succeeded.
func report(out io.Writer, results []*result, cfg config) bool {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "query\trequests\terrors\treq/s\tp50 ms\tp95 ms\tp99 ms\tmax ms\tpages/request\t")
	ok := true
	for _, r := range results {
		slices.Sort(r.latencies)
		n := len(r.latencies)
		pages := "1"
		if n > 0 && r.pages != n {
			pages = strconv.FormatFloat(float64(r.pages)/float64(n), 'f', 1, 64)
		}
		var maxLat time.Duration
		if n > 0 {
			maxLat = r.latencies[n-1]
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%s\t%s\t%s\t%s\t%s\t\n", r.name, n+r.errors, r.errors,
			float64(n)/r.elapsed.Seconds(), ms(percentile(r.latencies, 50)), ms(percentile(r.latencies, 95)),
			ms(percentile(r.latencies, 99)), ms(maxLat), pages)
		if r.errors > 0 || n == 0 {
			ok = false
		}
	}
	tw.Flush()
	for _, r := range results {
		if r.firstErr != nil {
			fmt.Fprintf(out, "%s: %d errors; the first: %v\n", r.name, r.errors, r.firstErr)
		} else if len(r.latencies) == 0 {
			fmt.Fprintf(out, "%s: no request completed in %s\n", r.name, cfg.duration)
		}
	}
	if ok {
		fmt.Fprintln(out, "no errors")
	}
	return ok
}

// sampler samples a process's resident memory.
type sampler struct {
	pid  int
	done chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	peak int64 // largest VmRSS sampled, kB
}

func newSampler(pid int) (*sampler, error) {
	if _, err := readStatus(pid, "VmRSS"); err != nil {
		return nil, fmt.Errorf("-pid %d: %w", pid, err)
	}
	s := &sampler{pid: pid, done: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			if kb, err := readStatus(pid, "VmRSS"); err == nil {
				s.mu.Lock()
				s.peak = max(s.peak, kb)
				s.mu.Unlock()
			}
			select {
			case <-s.done:
				return
			case <-t.C:
			}
		}
	}()
	return s, nil
}

func (s *sampler) stop() {
	select {
	case <-s.done:
	default:
		close(s.done)
	}
	s.wg.Wait()
}

func (s *sampler) report(out io.Writer) {
	s.stop()
	s.mu.Lock()
	peak := s.peak
	s.mu.Unlock()
	hwm, err := readStatus(s.pid, "VmHWM")
	if err != nil {
		fmt.Fprintf(out, "server RSS: largest sampled during the run %.1f MB (VmHWM: %v)\n", float64(peak)/1024, err)
		return
	}
	fmt.Fprintf(out, "server RSS: largest sampled during the run %.1f MB; peak of the process (VmHWM) %.1f MB\n",
		float64(peak)/1024, float64(hwm)/1024)
}

// readStatus reads a kB field of /proc/PID/status.
func readStatus(pid int, field string) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		name, rest, ok := strings.Cut(line, ":")
		if !ok || name != field {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			break
		}
		return strconv.ParseInt(f[0], 10, 64)
	}
	return 0, errors.New("no " + field + " in /proc/" + strconv.Itoa(pid) + "/status")
}
