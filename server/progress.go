package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"
)

// progress reports a long command's advance, stage by stage, the way command-line tools
// commonly do: on a terminal a bar with the percentage, the rate and the time left,
// redrawn in place at most every redrawEvery; elsewhere (a log file, a pipe, CI) a log
// line through slog at most every logEvery, and always at the end of a stage, so that
// logs stay readable and still show that the work moves.
type progress struct {
	name     string
	w        io.Writer
	terminal bool
	logger   *slog.Logger
	now      func() time.Time

	stage      string
	stageStart time.Time
	last       time.Time // of the last redraw or log line
	drawn      bool      // a terminal line is open (not ended by a newline)
}

const (
	redrawEvery = 100 * time.Millisecond
	logEvery    = 5 * time.Second
	barWidth    = 30
)

// newProgress reports on w, as a bar when w is a terminal, else as log lines of the
// given format ("json" or text, as the server's own log).
func newProgress(name string, w io.Writer, logFormat string) *progress {
	return &progress{name: name, w: w, terminal: isTerminal(w), logger: newLogger(logFormat, w), now: time.Now}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// update records that done of total units of stage are finished: it has the signature
// of synth.Options.Progress.
func (p *progress) update(stage string, done, total int) {
	now := p.now()
	if stage != p.stage {
		p.endLine()
		p.stage, p.stageStart, p.last = stage, now, time.Time{}
	}
	finished := done >= total
	every := logEvery
	if p.terminal {
		every = redrawEvery
	}
	if !finished && !p.last.IsZero() && now.Sub(p.last) < every {
		return
	}
	if !finished && done == 0 && !p.terminal {
		return // nothing to say yet: the first line comes when there is a rate
	}
	p.last = now
	elapsed := now.Sub(p.stageStart)
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(done) / s
	}
	var eta time.Duration
	if rate > 0 && !finished {
		eta = time.Duration(float64(total-done) / rate * float64(time.Second))
	}
	pct := 100 * float64(done) / float64(max(total, 1))
	if !p.terminal {
		attrs := []any{"stage", stage, "done", done, "total", total, "percent", fmt.Sprintf("%.1f", pct),
			"rate", fmt.Sprintf("%.1f/s", rate), "elapsed", elapsed.Round(time.Second).String()}
		if !finished {
			attrs = append(attrs, "eta", eta.Round(time.Second).String())
		}
		p.logger.Info(p.name+" progress", attrs...)
		return
	}
	filled := barWidth * min(done, total) / max(total, 1)
	line := fmt.Sprintf("\r%s %-8s [%s%s] %5.1f%% %d/%d %.1f/s", p.name, stage,
		strings.Repeat("=", filled), strings.Repeat(" ", barWidth-filled), pct, done, total, rate)
	if finished {
		line += " in " + elapsed.Round(100*time.Millisecond).String()
	} else if rate > 0 {
		line += " ETA " + eta.Round(time.Second).String()
	}
	fmt.Fprint(p.w, line+"\x1b[K") // erase what a longer earlier line left
	p.drawn = true
	if finished {
		p.endLine()
	}
}

// endLine ends an open terminal line, so that what follows starts on its own.
func (p *progress) endLine() {
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}
