package devca

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var stack = []Service{
	{Name: "finance", Server: true, Client: true},
	{Name: "worker", Server: true, Client: true, DNS: []string{"worker.internal"}},
	{Name: "pathwayctl", Client: true},
}

// snapshot reads every file in dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	files := map[string]string{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name())) //nolint:gosec // G304: the test's own directory
		require.NoError(t, err)
		files[e.Name()] = string(data)
	}
	return files
}

func parse(t *testing.T, file string) *x509.Certificate {
	t.Helper()
	data, err := os.ReadFile(file) //nolint:gosec // G304: the test's own file
	require.NoError(t, err)
	block, _ := pem.Decode(data)
	require.NotNil(t, block, file)
	c, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	return c
}

// verify checks the certificate of name chains to the bundle's CA for the usage.
func verify(t *testing.T, b *Bundle, name string, usage x509.ExtKeyUsage) *x509.Certificate {
	t.Helper()
	roots := x509.NewCertPool()
	roots.AddCert(parse(t, b.CAFile))
	c := parse(t, b.Cert(name))
	_, err := c.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{usage}})
	require.NoError(t, err, name)
	return c
}

func TestEnsureMakesTheCAAndEveryCertificate(t *testing.T) {
	b, err := Ensure(t.TempDir(), stack)
	require.NoError(t, err)
	require.True(t, b.NewCA)
	require.Equal(t, []string{"finance", "worker", "pathwayctl"}, b.Issued)

	ca := parse(t, b.CAFile)
	require.True(t, ca.IsCA)
	require.Greater(t, time.Until(ca.NotAfter), 9*365*24*time.Hour)

	w := verify(t, b, "worker", x509.ExtKeyUsageServerAuth)
	verify(t, b, "worker", x509.ExtKeyUsageClientAuth)
	require.Equal(t, "spiffe://pathways.local/worker", w.URIs[0].String())
	require.ElementsMatch(t, []string{"localhost", "worker.internal"}, w.DNSNames)
	require.NoError(t, w.VerifyHostname("127.0.0.1"))
	require.NoError(t, w.VerifyHostname("::1"))
	pub, ok := w.PublicKey.(*ecdsa.PublicKey)
	require.True(t, ok)
	require.Equal(t, elliptic.P256(), pub.Curve)
	require.InDelta(t, 365, w.NotAfter.Sub(w.NotBefore).Hours()/24, 1)

	ctl := verify(t, b, "pathwayctl", x509.ExtKeyUsageClientAuth)
	require.Equal(t, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, ctl.ExtKeyUsage, "a client only is no server")
	require.Empty(t, ctl.DNSNames)
}

func TestKeysAreReadableByTheOwnerOnly(t *testing.T) {
	b, err := Ensure(filepath.Join(t.TempDir(), "certs"), stack)
	require.NoError(t, err)
	for _, f := range []string{filepath.Join(b.Dir, "ca.key"), b.Key("finance"), b.Key("pathwayctl")} {
		st, err := os.Stat(f)
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o600), st.Mode().Perm(), f)
	}
	st, err := os.Stat(b.Dir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), st.Mode().Perm())
}

func TestEnsureAgainKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	_, err := Ensure(dir, stack)
	require.NoError(t, err)
	before := snapshot(t, dir)

	b, err := Ensure(dir, stack)
	require.NoError(t, err)
	require.False(t, b.NewCA)
	require.Empty(t, b.Issued)
	require.Equal(t, before, snapshot(t, dir))
}

func TestDeletedCertificateIsReissuedUnderTheSameCA(t *testing.T) {
	dir := t.TempDir()
	b, err := Ensure(dir, stack)
	require.NoError(t, err)
	before := snapshot(t, dir)
	require.NoError(t, os.Remove(b.Key("worker")))

	b, err = Ensure(dir, stack)
	require.NoError(t, err)
	require.False(t, b.NewCA)
	require.Equal(t, []string{"worker"}, b.Issued)
	after := snapshot(t, dir)
	require.Equal(t, before["ca.crt"], after["ca.crt"])
	require.Equal(t, before["ca.key"], after["ca.key"])
	require.Equal(t, before["finance.crt"], after["finance.crt"])
	require.NotEqual(t, before["worker.crt"], after["worker.crt"])
	verify(t, b, "worker", x509.ExtKeyUsageServerAuth)
}

func TestExpiringCertificateIsReissued(t *testing.T) {
	dir := t.TempDir()
	_, err := ensure(dir, stack, time.Now().Add(-340*24*time.Hour)) // ends in 25 days
	require.NoError(t, err)
	ca := snapshot(t, dir)["ca.crt"]

	b, err := Ensure(dir, stack)
	require.NoError(t, err)
	require.False(t, b.NewCA, "the CA has years left")
	require.Equal(t, ca, snapshot(t, dir)["ca.crt"])
	require.Equal(t, []string{"finance", "worker", "pathwayctl"}, b.Issued)
	require.Greater(t, time.Until(verify(t, b, "finance", x509.ExtKeyUsageServerAuth).NotAfter), 300*24*time.Hour)
}

func TestExpiringCAIsReplaced(t *testing.T) {
	dir := t.TempDir()
	_, err := ensure(dir, stack, time.Now().Add(-CAValidity+20*24*time.Hour)) // the CA ends in 20 days
	require.NoError(t, err)

	b, err := Ensure(dir, stack)
	require.NoError(t, err)
	require.True(t, b.NewCA)
	require.Len(t, b.Issued, len(stack))
	verify(t, b, "finance", x509.ExtKeyUsageServerAuth)
}

func TestCertificateOfAnotherCAIsReissued(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	_, err := Ensure(dir, stack)
	require.NoError(t, err)
	_, err = Ensure(other, stack)
	require.NoError(t, err)
	for _, f := range []string{".crt", ".key"} {
		data, err := os.ReadFile(filepath.Join(other, "finance"+f)) //nolint:gosec // G304: the test's own directory
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "finance"+f), data, 0o600)) //nolint:gosec // G703: the test's own directory
	}
	require.Equal(t, snapshot(t, other)["finance.crt"], snapshot(t, dir)["finance.crt"])

	b, err := Ensure(dir, stack)
	require.NoError(t, err)
	require.Equal(t, []string{"finance"}, b.Issued)
	verify(t, b, "finance", x509.ExtKeyUsageServerAuth)
}

func TestCertificateLackingARequestedNameIsReissued(t *testing.T) {
	dir := t.TempDir()
	_, err := Ensure(dir, stack)
	require.NoError(t, err)
	more := []Service{{Name: "finance", Server: true, Client: true, DNS: []string{"finance.internal"}}}

	b, err := Ensure(dir, more)
	require.NoError(t, err)
	require.Equal(t, []string{"finance"}, b.Issued)
	require.NoError(t, verify(t, b, "finance", x509.ExtKeyUsageServerAuth).VerifyHostname("finance.internal"))

	more[0].IPs = []net.IP{net.ParseIP("10.0.0.7")}
	b, err = Ensure(dir, more)
	require.NoError(t, err)
	require.Equal(t, []string{"finance"}, b.Issued)
	require.NoError(t, verify(t, b, "finance", x509.ExtKeyUsageServerAuth).VerifyHostname("10.0.0.7"))

	b, err = Ensure(dir, []Service{{Name: "finance", Client: true, Server: true}})
	require.NoError(t, err)
	require.Empty(t, b.Issued, "a certificate with more names than asked is kept")
}

func TestCertificateOfOtherUsagesIsReissued(t *testing.T) {
	dir := t.TempDir()
	_, err := Ensure(dir, stack) // pathwayctl: a client only
	require.NoError(t, err)

	b, err := Ensure(dir, []Service{{Name: "pathwayctl", Client: true, Server: true}})
	require.NoError(t, err)
	require.Equal(t, []string{"pathwayctl"}, b.Issued)
	verify(t, b, "pathwayctl", x509.ExtKeyUsageServerAuth)

	b, err = Ensure(dir, []Service{{Name: "finance", Client: true}}) // no longer a server
	require.NoError(t, err)
	require.Equal(t, []string{"finance"}, b.Issued)
	require.Equal(t, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, parse(t, b.Cert("finance")).ExtKeyUsage)
}

func TestCAFilesThatAreNotACAAreLeftAlone(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ca.crt"), []byte("not a certificate"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ca.key"), []byte("not a key"), 0o600))

	_, err := Ensure(dir, stack)
	require.ErrorContains(t, err, "remove both to make a new CA")
	require.Equal(t, "not a certificate", snapshot(t, dir)["ca.crt"])

	require.NoError(t, os.Remove(filepath.Join(dir, "ca.key")))
	_, err = Ensure(dir, stack)
	require.ErrorContains(t, err, "ca.key")
}

func TestInvalidServicesNameTheField(t *testing.T) {
	_, err := Ensure(t.TempDir(), []Service{
		{Name: "ok", Server: true},
		{Name: "ca", Server: true},
		{Name: "../x", Client: true},
		{Name: "ok", Client: true},
		{Name: "neither"},
	})
	require.ErrorContains(t, err, `services[1].name: must be lower-case letters`)
	require.ErrorContains(t, err, `not "../x"`)
	require.ErrorContains(t, err, `services[3].name: "ok" is listed twice`)
	require.ErrorContains(t, err, "services[4]: Server or Client (or both) must be set")
}
