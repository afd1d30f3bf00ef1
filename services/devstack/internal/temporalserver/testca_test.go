package temporalserver

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testCA is a throwaway certificate authority whose files live in a test's temp dir.
type testCA struct {
	dir    string
	name   string
	cert   *x509.Certificate
	key    *ecdsa.PrivateKey
	CAFile string
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	ca := &testCA{dir: t.TempDir(), name: name, cert: cert, key: key}
	ca.CAFile = ca.write(t, "ca.pem", "CERTIFICATE", der)
	return ca
}

// issue signs a certificate for name with the given IP SANs and extended key usages and
// writes it and its key as PEM files.
func (ca *testCA) issue(t *testing.T, name string, ips []net.IP, usage ...x509.ExtKeyUsage) KeyPair {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: name}, IPAddresses: ips,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: usage,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	return KeyPair{
		CertFile: ca.write(t, name+".pem", "CERTIFICATE", der),
		KeyFile:  ca.write(t, name+"-key.pem", "PRIVATE KEY", keyDER),
	}
}

func (ca *testCA) write(t *testing.T, file, kind string, der []byte) string {
	t.Helper()
	path := filepath.Join(ca.dir, file)
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600))
	return path
}

// loopback is the IP SAN of the test servers' certificates.
var loopback = []net.IP{net.IPv4(127, 0, 0, 1)}

// mutualTLS is a TLSOptions for 127.0.0.1 under ca with client certificates required.
func mutualTLS(t *testing.T, ca *testCA) *TLSOptions {
	t.Helper()
	server := ca.issue(t, "temporal", loopback, x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth)
	client := ca.issue(t, "temporal-internal", nil, x509.ExtKeyUsageClientAuth)
	return &TLSOptions{CertFile: server.CertFile, KeyFile: server.KeyFile, ClientCAFile: ca.CAFile,
		RequireClientCert: true, ClientCertFile: client.CertFile, ClientKeyFile: client.KeyFile}
}
