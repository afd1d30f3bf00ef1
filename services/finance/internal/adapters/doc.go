// Package adapters holds the finance service's outside connections: the SQLite ledger (with its
// group-committing writer and outbox) and the relay from the outbox to the event store.
package adapters
