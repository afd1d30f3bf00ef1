package devca

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net/url"
	"os"
	"slices"
	"time"

	"github.com/nhs-pathways/pathways/services/platform/tlsconf"
)

// leafValid reports whether the files hold a certificate and its key that the CA signed, that is
// valid for RenewBefore more, and that has the service's ID, every name asked for and exactly the
// key usages asked for.
func leafValid(ca *authority, certFile, keyFile string, s Service, now time.Time) bool {
	certPEM, err1 := os.ReadFile(certFile) //nolint:gosec // G304: the directory is the caller's
	keyPEM, err2 := os.ReadFile(keyFile)   //nolint:gosec // G304: the directory is the caller's
	if err1 != nil || err2 != nil {
		return false
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return false
	}
	c := pair.Leaf
	if !bytes.Equal(c.RawIssuer, ca.cert.RawSubject) || c.CheckSignatureFrom(ca.cert) != nil {
		return false
	}
	if now.Before(c.NotBefore) || now.Add(RenewBefore).After(c.NotAfter) {
		return false
	}
	id := tlsconf.DefaultTrustDomain.ID(s.Name)
	if !slices.ContainsFunc(c.URIs, func(u *url.URL) bool { return u.String() == id.String() }) {
		return false
	}
	for _, d := range s.DNS {
		if !slices.Contains(c.DNSNames, d) {
			return false
		}
	}
	for _, ip := range s.IPs {
		if !slices.ContainsFunc(c.IPAddresses, ip.Equal) {
			return false
		}
	}
	return slices.Equal(c.ExtKeyUsage, usages(s))
}

func usages(s Service) []x509.ExtKeyUsage {
	var u []x509.ExtKeyUsage
	if s.Server {
		u = append(u, x509.ExtKeyUsageServerAuth)
	}
	if s.Client {
		u = append(u, x509.ExtKeyUsageClientAuth)
	}
	return u
}

// issue writes a new key and certificate for the service, valid for LeafValidity (no longer than
// the CA).
func (ca *authority) issue(certFile, keyFile string, s Service, now time.Time) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	notAfter := now.Add(LeafValidity)
	if notAfter.After(ca.cert.NotAfter) {
		notAfter = ca.cert.NotAfter
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{Organization: []string{"pathways development"}, CommonName: s.Name},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  usages(s),
		URIs:         []*url.URL{tlsconf.DefaultTrustDomain.ID(s.Name)},
		DNSNames:     s.DNS,
		IPAddresses:  s.IPs,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, key.Public(), ca.key)
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	if err := writeKey(keyFile, key); err != nil {
		return err
	}
	return writeCert(certFile, der)
}
