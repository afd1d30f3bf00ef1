// Package app is the finance service's application layer: contract commands, the ingest of
// costed activity and outcomes, budget queries, the CSV export and the capitation feed. Each
// command runs in one ledger transaction together with its outbox events and applied event ID.
// It speaks domain types only: the ledger and the event encoding are ports (ports.go).
package app

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nhs-pathways/pathways/events"
)

// App runs the finance commands and queries. Safe for concurrent use.
type App struct {
	ledger  Ledger
	encoder EventEncoder
	now     func() time.Time
	log     *slog.Logger
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

// New builds the application over ledger, encoding the events it emits with encoder, with
// clock now.
func New(ledger Ledger, encoder EventEncoder, now func() time.Time, log *slog.Logger) *App {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &App{ledger: ledger, encoder: encoder, now: now, log: log, OnConflict: func(string) {}, closing: make(chan struct{})}
}

// eventID is the deterministic ID of a capitation event.
func eventID(parts ...string) string {
	return events.EventID(append([]string{"finance"}, parts...)...).String()
}

// emit writes ev to the contract's outbox under a deterministic ID made of the contract and
// idParts.
func (a *App) emit(tx LedgerTx, contract string, ev Event, idParts ...string) error {
	b, err := a.encoder.Encode(ev)
	if err != nil {
		return fmt.Errorf("encode %T of contract %s: %w", ev, contract, err)
	}
	_, err = tx.Emit(contract, eventID(append([]string{contract}, idParts...)...), b)
	return err
}
