package clientsuite

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// certificateLifetime is how long the generated certificates are valid:
// they are made afresh for every run, so a day is plenty.
const certificateLifetime = 24 * time.Hour

// issuer is a certificate authority that signs the other certificates.
type issuer struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// certSpec names one key pair to write under the certificates directory.
type certSpec struct {
	dir, name  string  // written as dir/name.crt and dir/name.key
	commonName string  // subject CN (the user name for client certificates)
	server     bool    // a node certificate: localhost and 127.0.0.1, server auth
	signer     *issuer // the CA that signs it
}

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
	specs := []certSpec{
		{dir: "node", name: "node", commonName: "eventstoredb-node", server: true, signer: trusted},
		{dir: "node1", name: "node", commonName: "eventstoredb-node", server: true, signer: trusted},
		{dir: "node2", name: "node", commonName: "eventstoredb-node", server: true, signer: trusted},
		{dir: "node3", name: "node", commonName: "eventstoredb-node", server: true, signer: trusted},
		{dir: "user-admin", name: "user-admin", commonName: "admin", signer: trusted},
		{dir: "user-invalid", name: "user-invalid", commonName: "invalid", signer: trusted},
	}
	for _, s := range specs {
		if err := writeLeaf(filepath.Join(dir, s.dir), s); err != nil {
			return err
		}
	}
	return nil
}

func writeCA(dir, commonName string) (*issuer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate CA key: %w", err)
	}
	tmpl, err := template(commonName)
	if err != nil {
		return nil, err
	}
	tmpl.IsCA = true
	tmpl.BasicConstraintsValid = true
	tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("sign CA certificate %s: %w", commonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse CA certificate: %w", err)
	}
	if err := writePair(dir, "ca", der, key); err != nil {
		return nil, err
	}
	return &issuer{cert: cert, key: key}, nil
}

func writeLeaf(dir string, s certSpec) error {
	ca := s.signer
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("generate key %s: %w", s.name, err)
	}
	tmpl, err := template(s.commonName)
	if err != nil {
		return err
	}
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
	if s.server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}
		tmpl.DNSNames = []string{"localhost"}
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	} else {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return fmt.Errorf("sign certificate %s: %w", s.name, err)
	}
	return writePair(dir, s.name, der, key)
}

func template(commonName string) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, fmt.Errorf("certificate serial: %w", err)
	}
	now := time.Now()
	return &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: commonName},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(certificateLifetime),
	}, nil
}

func writePair(dir, name string, der []byte, key *ecdsa.PrivateKey) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("certificates directory: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return fmt.Errorf("encode key %s: %w", name, err)
	}
	files := map[string]*pem.Block{
		name + ".crt": {Type: "CERTIFICATE", Bytes: der},
		name + ".key": {Type: "PRIVATE KEY", Bytes: keyDER},
	}
	for file, block := range files {
		if err := os.WriteFile(filepath.Join(dir, file), pem.EncodeToMemory(block), 0o600); err != nil {
			return fmt.Errorf("write %s: %w", file, err)
		}
	}
	return nil
}
