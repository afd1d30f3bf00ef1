// Package app is the finance service's application layer: contract commands, the ingest of
// costed activity and outcomes, budget queries, the CSV export and the capitation feed. Each
// command runs in one ledger transaction together with its outbox events and applied event ID.
package app

import (
	"crypto/sha256"
	"errors"
	"log/slog"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	financev1 "github.com/nhs-pathways/pathways/api/proto/pathways/finance/v1"
	"github.com/nhs-pathways/pathways/events"
	"github.com/nhs-pathways/pathways/services/finance/internal/adapters"
)

// App runs the finance commands and queries. Safe for concurrent use.
type App struct {
	store *adapters.Store
	now   func() time.Time
	log   *slog.Logger
	// OnConflict is called (outside the transaction) when an event ID is resent with another
	// payload; the ports count it.
	OnConflict func(kind string)

	closing   chan struct{}
	closeOnce sync.Once
}

// ErrShuttingDown ends feeds when the service closes.
var ErrShuttingDown = errors.New("the finance service is shutting down")

// Shutdown ends every Follow with ErrShuttingDown. Safe to call more than once.
func (a *App) Shutdown() { a.closeOnce.Do(func() { close(a.closing) }) }

// New builds the application over store with clock now.
func New(store *adapters.Store, now func() time.Time, log *slog.Logger) *App {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &App{store: store, now: now, log: log, OnConflict: func(string) {}, closing: make(chan struct{})}
}

// Hash returns the payload hash an ingest request is deduplicated by: SHA-256 of its kind and
// its deterministic protobuf encoding.
func Hash(kind string, m proto.Message) ([]byte, error) {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write(b)
	return h.Sum(nil), nil
}

// eventID is the deterministic ID of a capitation event.
func eventID(parts ...string) string {
	return events.EventID(append([]string{"finance"}, parts...)...).String()
}

// emit writes ev to the contract's outbox under a deterministic ID.
func emit(tx *adapters.Tx, contract string, ev *financev1.CapitationEvent, idParts ...string) error {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(ev)
	if err != nil {
		return err
	}
	_, err = tx.Emit(contract, eventID(append([]string{contract}, idParts...)...), b)
	return err
}
