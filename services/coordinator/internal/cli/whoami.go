package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/nhs-pathways/pathways/services/platform/identity"
)

// claimsOf reads who an access token speaks for from its claims, decoded locally WITHOUT
// verifying its signature (pathwayctl has no reason to trust itself; the services verify it).
// The claim names are the services' defaults (sub, name, roles, eogs, ods).
func claimsOf(accessToken string) (identity.Principal, error) {
	algs := make([]jose.SignatureAlgorithm, len(identity.SigningAlgorithms))
	for i, a := range identity.SigningAlgorithms {
		algs[i] = jose.SignatureAlgorithm(a)
	}
	t, err := jwt.ParseSigned(accessToken, algs)
	if err != nil {
		return identity.Principal{}, fmt.Errorf("the access token is not a signed JWT, so its claims cannot be shown: %w", err)
	}
	var claims map[string]any
	if err := t.UnsafeClaimsWithoutVerification(&claims); err != nil {
		return identity.Principal{}, fmt.Errorf("read the access token's claims: %w", err)
	}
	return identity.MapClaims(identity.Claims{}, claims)
}

// whoamiAnswer is whoami's JSON (-o json).
type whoamiAnswer struct {
	Subject       string   `json:"subject"`
	Name          string   `json:"name"`
	Roles         []string `json:"roles"`
	EOGs          []string `json:"eogs"`
	Organisations []string `json:"organisations"`
	Issuer        string   `json:"issuer"`
	Expires       string   `json:"expires,omitempty"`
	Verified      bool     `json:"verified"`
}

// whoami prints who the stored access token says the person is.
func whoami(_ context.Context, c *call, args []string) error {
	if err := parseFlags(c.newFlags("whoami"), args); err != nil {
		return err
	}
	s, err := c.openSession()
	if err != nil {
		return err
	}
	p, err := claimsOf(s.cr.AccessToken)
	if err != nil {
		return err
	}
	a := whoamiAnswer{Subject: p.Subject, Name: p.Actor, Roles: nonNil(p.Roles), EOGs: nonNil(p.EOGs),
		Organisations: nonNil(p.Orgs), Issuer: s.cr.Issuer}
	if !s.cr.Expiry.IsZero() {
		a.Expires = s.cr.Expiry.UTC().Format(time.RFC3339)
	}
	if c.output == "json" {
		b, err := json.MarshalIndent(a, "", "  ")
		if err != nil {
			return fmt.Errorf("encode JSON: %w", err)
		}
		_, err = fmt.Fprintln(c.stdout, string(b))
		return err
	}
	w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	row(w, "Subject:", a.Subject)
	row(w, "Name:", a.Name)
	row(w, "Roles:", dash(strings.Join(a.Roles, ", ")))
	row(w, "EOGs:", dash(strings.Join(a.EOGs, ", ")))
	row(w, "Organisations:", dash(strings.Join(a.Organisations, ", ")))
	row(w, "Issuer:", a.Issuer)
	row(w, "Expires:", dash(a.Expires)+expiredNote(s.cr.Expiry))
	if err := w.Flush(); err != nil {
		return err
	}
	_, err = fmt.Fprintln(c.stdout, "(decoded from your stored access token without verifying it; the services verify it)")
	return err
}

func expiredNote(expiry time.Time) string {
	if !expiry.IsZero() && time.Now().After(expiry) {
		return " (expired: the next command renews it, or run pathwayctl login)"
	}
	return ""
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
