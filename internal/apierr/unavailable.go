package apierr

import (
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/lib/pq"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/teemaverkko/teemaverkko/internal/errcode"
)

// Unavailable is the code of an error caused by the database being out of reach.
const Unavailable = errcode.Unavailable

// IsUnavailable reports whether err means the database could not be reached (refused,
// reset or lost connections, a server shutting down), as opposed to a bad request.
func IsUnavailable(err error) bool {
	var ge *gqlerror.Error
	if err == nil || (errors.As(err, &ge) && ge.Err == nil) {
		// Request errors gqlgen made itself (a body that is not JSON, say).
		return false
	}
	var (
		pqErr  *pq.Error
		netErr net.Error
		opErr  *net.OpError
	)
	switch {
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.As(err, &opErr), errors.As(err, &netErr):
		return true
	case errors.As(err, &pqErr):
		// Class 08: connection exceptions; 57P0x: the server is shutting down or restarting.
		return strings.HasPrefix(string(pqErr.Code), "08") || strings.HasPrefix(string(pqErr.Code), "57P")
	}
	msg := err.Error()
	for _, s := range []string{"bad connection", "connection refused", "connection reset", "broken pipe", "database is closed"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
