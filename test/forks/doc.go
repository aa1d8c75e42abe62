// Package forks holds the checks of the places where Teemaverkko changes or stands in for
// what its libraries do (docs/FORKS.md): each TestFork… test names its fork and the
// section of docs/FORKS.md that says why it exists and how to re-apply it on an upgrade.
// Run them alone with test/forks/run.sh; `go test ./...` runs them too.
package forks
