// Package certgen makes the certificates a secure event store needs where nobody provides them
// (an embedded server, the client test suites, tests): a certificate authority, node
// certificates for the loopback names, and user certificates (client authentication, the user
// name as common name), written as PEM files in the layout es-gencert-cli uses (name.crt,
// name.key). Keys are ECDSA P-256.
package certgen

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

// Pair is a certificate and its private key.
type Pair struct {
	Cert *x509.Certificate
	DER  []byte
	Key  *ecdsa.PrivateKey
}

// Authority is a certificate authority that signs node and user certificates.
type Authority struct {
	Pair
	lifetime time.Duration
}

// NewAuthority makes a self-signed CA whose certificates (its own included) are valid for
// lifetime from an hour ago.
func NewAuthority(commonName string, lifetime time.Duration) (*Authority, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate CA key: %w", err)
	}
	tmpl, err := template(commonName, lifetime)
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
	return &Authority{Pair: Pair{Cert: cert, DER: der, Key: key}, lifetime: lifetime}, nil
}

// Node issues a node (server) certificate for localhost, 127.0.0.1 and ::1, usable for server
// and client authentication, as es-gencert-cli's create-node does.
func (a *Authority) Node(commonName string) (Pair, error) {
	return a.issue(commonName, true)
}

// User issues a user certificate: client authentication only, commonName being the user name.
func (a *Authority) User(name string) (Pair, error) {
	return a.issue(name, false)
}

func (a *Authority) issue(commonName string, node bool) (Pair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Pair{}, fmt.Errorf("generate key %s: %w", commonName, err)
	}
	tmpl, err := template(commonName, a.lifetime)
	if err != nil {
		return Pair{}, err
	}
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	if node {
		tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageServerAuth)
		tmpl.DNSNames = []string{"localhost"}
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.Cert, &key.PublicKey, a.Key)
	if err != nil {
		return Pair{}, fmt.Errorf("sign certificate %s: %w", commonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return Pair{}, fmt.Errorf("parse certificate %s: %w", commonName, err)
	}
	return Pair{Cert: cert, DER: der, Key: key}, nil
}

func template(commonName string, lifetime time.Duration) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, fmt.Errorf("certificate serial: %w", err)
	}
	now := time.Now()
	return &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: commonName},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(lifetime),
	}, nil
}

// Write writes dir/name.crt and dir/name.key (PKCS #8), readable by the owner only, creating
// dir. It answers the two paths.
func (p Pair) Write(dir, name string) (certFile, keyFile string, err error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", "", fmt.Errorf("certificates directory: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(p.Key)
	if err != nil {
		return "", "", fmt.Errorf("encode key %s: %w", name, err)
	}
	certFile, keyFile = filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	files := map[string]*pem.Block{
		certFile: {Type: "CERTIFICATE", Bytes: p.DER},
		keyFile:  {Type: "PRIVATE KEY", Bytes: keyDER},
	}
	for file, block := range files {
		if err := os.WriteFile(file, pem.EncodeToMemory(block), 0o600); err != nil {
			return "", "", fmt.Errorf("write %s: %w", file, err)
		}
	}
	return certFile, keyFile, nil
}
