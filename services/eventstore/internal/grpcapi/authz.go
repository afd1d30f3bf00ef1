package grpcapi

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/auth"
	"github.com/nhs-pathways/pathways/services/eventstore/internal/store"
)

// Access says whether the Streams service checks who may do what.
type Access int

const (
	// Open lets every caller, anonymous included, do everything (the server's insecure mode).
	Open Access = iota
	// Checked decides every call with auth.Allowed: the caller the Authenticator found against
	// $all's rule and the stream's ACL.
	Checked
)

// excAccessDenied is the exception trailer of a refused call (the real server's).
const excAccessDenied = "access-denied"

// authorize answers nil when the caller may do op on stream, PermissionDenied ("Access Denied",
// as the real server says) when not, which the clients report as ErrorCodeAccessDenied.
func (s *Streams) authorize(ctx context.Context, stream string, op auth.Operation) *rpcError {
	if s.access == Open {
		return nil
	}
	ok, err := auth.Allowed(principalFrom(ctx), op, stream, s.streamACL)
	if err != nil {
		return toStatus(err)
	}
	if !ok {
		return &rpcError{
			st:       status.New(codes.PermissionDenied, "Access Denied"),
			trailers: metadata.Pairs(exceptionKey, excAccessDenied),
		}
	}
	return nil
}

// streamACL reads the $acl of stream's metadata: the last event of $$stream. A stream without
// metadata (or tombstoned: every operation on it fails anyway) has none.
func (s *Streams) streamACL(stream string) (auth.ACL, error) {
	events, err := s.store.ReadStream("$$"+stream, store.Backwards, store.StreamFrom{Kind: store.FromEnd}, 1)
	switch {
	case errors.Is(err, store.ErrStreamNotFound), errors.Is(err, store.ErrStreamDeleted):
		return auth.ACL{}, nil
	case err != nil:
		return auth.ACL{}, err
	case len(events) == 0:
		return auth.ACL{}, nil
	}
	return auth.ParseACL(events[0].Data), nil
}
