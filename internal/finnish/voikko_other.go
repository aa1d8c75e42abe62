//go:build !(darwin || freebsd || linux)

package finnish

import "errors"

// Voikko is not available on this system (purego loads libraries on Unix only).
type Voikko struct{}

// OpenVoikko always fails here: the caller uses Stems.
func OpenVoikko() (*Voikko, error) {
	return nil, errors.New("voikko: not supported on this system")
}

// Name returns "voikko".
func (*Voikko) Name() string { return "voikko" }

// Analyze is never called: OpenVoikko never returns a Voikko here.
func (*Voikko) Analyze(word string) Analysis { return Analysis{Lemmas: []string{word}} }
