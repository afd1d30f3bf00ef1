package clientsuite

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/nhs-pathways/pathways/services/eventstore/internal/certgen"
)

// certificateLifetime is how long the generated certificates are valid:
// they are made afresh for every run, so a day is plenty.
const certificateLifetime = 24 * time.Hour

// writeCertificates writes, under dir, the layout the client test suites
// read (es-gencert-cli's): ca/ca.{crt,key}, untrusted-ca/ca.{crt,key},
// node/node.{crt,key} and node1..3/node.{crt,key} for localhost and
// 127.0.0.1, and user-admin, user-invalid client certificates, all signed
// by ca except untrusted-ca. The suites ship such files, but theirs expire;
// these are made for this run.
func writeCertificates(dir string) error {
	trusted, err := writeCA(filepath.Join(dir, "ca"), "pathways client-suite CA")
	if err != nil {
		return err
	}
	// Nothing is signed by the untrusted CA: clients given it must refuse the nodes.
	if _, err := writeCA(filepath.Join(dir, "untrusted-ca"), "pathways client-suite untrusted CA"); err != nil {
		return err
	}
	for _, node := range []string{"node", "node1", "node2", "node3"} {
		pair, err := trusted.Node("eventstoredb-node")
		if err != nil {
			return err
		}
		if _, _, err := pair.Write(filepath.Join(dir, node), "node"); err != nil {
			return err
		}
	}
	// user-admin is the admin user's certificate; user-invalid names no known user.
	for dirName, user := range map[string]string{"user-admin": "admin", "user-invalid": "invalid"} {
		pair, err := trusted.User(user)
		if err != nil {
			return err
		}
		if _, _, err := pair.Write(filepath.Join(dir, dirName), dirName); err != nil {
			return err
		}
	}
	return nil
}

func writeCA(dir, commonName string) (*certgen.Authority, error) {
	ca, err := certgen.NewAuthority(commonName, certificateLifetime)
	if err != nil {
		return nil, fmt.Errorf("certificate authority %s: %w", commonName, err)
	}
	if _, _, err := ca.Write(dir, "ca"); err != nil {
		return nil, err
	}
	return ca, nil
}
