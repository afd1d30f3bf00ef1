package identity

import (
	"context"
	"errors"
)

// Bearer is gRPC per-call credentials that send an access token as "authorization: Bearer
// <token>". Token is asked for every call, so a refreshed token is used as soon as it exists.
// They require a TLS connection unless AllowInsecure (a test or a -insecure development stack
// on loopback).
type Bearer struct {
	Token         func(ctx context.Context) (string, error)
	AllowInsecure bool
}

// StaticBearer returns Bearer credentials for one token.
func StaticBearer(token string) Bearer {
	return Bearer{Token: func(context.Context) (string, error) { return token, nil }}
}

// GetRequestMetadata implements credentials.PerRPCCredentials.
func (b Bearer) GetRequestMetadata(ctx context.Context, _ ...string) (map[string]string, error) {
	if b.Token == nil {
		return nil, errors.New("no access token source")
	}
	t, err := b.Token(ctx)
	if err != nil {
		return nil, err
	}
	if t == "" {
		return nil, nil
	}
	return map[string]string{"authorization": "Bearer " + t}, nil
}

// RequireTransportSecurity implements credentials.PerRPCCredentials.
func (b Bearer) RequireTransportSecurity() bool { return !b.AllowInsecure }
