package events

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/lib/pq"
)

// Channel is the PostgreSQL notification channel of change events.
const Channel = "teemaverkko_events"

// Postgres publishes events with NOTIFY and delivers those of every instance (its own
// included) to its local subscribers from one LISTEN connection.
type Postgres struct {
	db       *sql.DB
	local    *Local
	listener *pq.Listener
	logger   *slog.Logger
	done     chan struct{}
}

// NewPostgres listens on the database that dsn names and publishes through db.
func NewPostgres(db *sql.DB, dsn string, logger *slog.Logger) (*Postgres, error) {
	p := &Postgres{db: db, local: NewLocal(), logger: logger, done: make(chan struct{})}
	p.listener = pq.NewListener(dsn, time.Second, time.Minute, func(ev pq.ListenerEventType, err error) {
		if err != nil {
			logger.Warn("event listener", "event", ev, "error", err)
		}
	})
	if err := p.listener.Listen(Channel); err != nil {
		p.listener.Close()
		return nil, fmt.Errorf("listen for events: %w", err)
	}
	go p.loop()
	return p, nil
}

func (p *Postgres) loop() {
	defer close(p.done)
	for n := range p.listener.Notify {
		if n == nil {
			// The connection was re-established; events in between are lost.
			continue
		}
		var events []Event
		if err := json.Unmarshal([]byte(n.Extra), &events); err != nil {
			p.logger.Warn("bad event notification", "error", err)
			continue
		}
		p.local.deliver(events...)
	}
}

// maxPayload keeps a notification under PostgreSQL's 8000-byte payload limit.
const maxPayload = 7000

// Publish implements Broker: one NOTIFY per batch of events that fits the payload limit.
func (p *Postgres) Publish(ctx context.Context, events ...Event) error {
	for len(events) > 0 {
		n := len(events)
		var payload []byte
		for {
			b, err := json.Marshal(events[:n])
			if err != nil {
				return fmt.Errorf("encode events: %w", err)
			}
			if len(b) <= maxPayload || n == 1 {
				payload = b
				break
			}
			n /= 2
		}
		if _, err := p.db.ExecContext(ctx, "SELECT pg_notify($1, $2)", Channel, string(payload)); err != nil {
			return fmt.Errorf("notify events: %w", err)
		}
		events = events[n:]
	}
	return nil
}

// Subscribe implements Broker.
func (p *Postgres) Subscribe(ctx context.Context) <-chan Event { return p.local.Subscribe(ctx) }

// Subscribers returns the number of live local subscribers.
func (p *Postgres) Subscribers() int { return p.local.Subscribers() }

// Close stops listening.
func (p *Postgres) Close() error {
	err := p.listener.Close()
	<-p.done
	return err
}
