package devca

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"time"
)

// authority is the CA's certificate and key.
type authority struct {
	cert *x509.Certificate
	key  crypto.Signer
}

// loadOrMakeCA returns the CA in dir, making one when there is no ca.crt (a ca.key alone is what a
// first start stopped between the two files leaves) or the one there ends within RenewBefore.
func loadOrMakeCA(dir string, now time.Time) (ca *authority, made bool, err error) {
	certFile, keyFile := filepath.Join(dir, "ca.crt"), filepath.Join(dir, "ca.key")
	certPEM, err := os.ReadFile(certFile) //nolint:gosec // G304: the directory is the caller's
	switch {
	case errors.Is(err, fs.ErrNotExist):
		ca, err = makeCA(certFile, keyFile, now)
		return ca, err == nil, err
	case err != nil:
		return nil, false, fmt.Errorf("devca: %w", err)
	}
	keyPEM, err := os.ReadFile(keyFile) //nolint:gosec // G304: the directory is the caller's
	if err != nil {
		return nil, false, fmt.Errorf("devca: %w (remove %s too to make a new CA; every certificate is then reissued)", err, certFile)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err == nil && !pair.Leaf.IsCA {
		err = errors.New("the certificate is not a CA's")
	}
	if err != nil {
		return nil, false, fmt.Errorf("devca: %s and %s are not a CA certificate and its key; remove both to make a new CA: %w", certFile, keyFile, err)
	}
	if now.Add(RenewBefore).After(pair.Leaf.NotAfter) {
		ca, err = makeCA(certFile, keyFile, now)
		return ca, err == nil, err
	}
	signer, ok := pair.PrivateKey.(crypto.Signer)
	if !ok {
		return nil, false, fmt.Errorf("devca: %s: the key cannot sign", keyFile)
	}
	return &authority{cert: pair.Leaf, key: signer}, false, nil
}

func makeCA(certFile, keyFile string, now time.Time) (*authority, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("devca: %w", err)
	}
	host, _ := os.Hostname() // the host name only decorates the CA's name
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{Organization: []string{"pathways development"}, CommonName: "pathways development CA " + host},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(CAValidity),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("devca: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("devca: %w", err)
	}
	if err := writeKey(keyFile, key); err != nil {
		return nil, err
	}
	if err := writeCert(certFile, der); err != nil {
		return nil, err
	}
	return &authority{cert: cert, key: key}, nil
}

// serial is a random 128-bit serial number.
func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil { // crypto/rand does not fail on a supported platform
		return big.NewInt(time.Now().UnixNano())
	}
	return n
}
