// Package devcatest gives tests a development CA: New makes one in the test's temporary directory
// with a certificate per named service, usable as a server's and a client's.
package devcatest

import (
	"testing"

	"github.com/nhs-pathways/pathways/services/platform/devca"
)

// New makes a CA in t.TempDir() and, for each name, a certificate for both server and client use
// (spiffe://pathways.local/<name>, localhost, 127.0.0.1, ::1). It fails the test on an error.
func New(t testing.TB, services ...string) *devca.Bundle {
	t.Helper()
	list := make([]devca.Service, 0, len(services))
	for _, name := range services {
		list = append(list, devca.Service{Name: name, Server: true, Client: true})
	}
	b, err := devca.Ensure(t.TempDir(), list)
	if err != nil {
		t.Fatalf("devcatest: %v", err)
	}
	return b
}
