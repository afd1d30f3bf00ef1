package tlsconf

import (
	"context"
	"crypto/x509"
	"net/http"
	"net/url"
	"regexp"

	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/peer"
)

// TrustDomain is the authority of the SPIFFE-style IDs that name services:
// spiffe://<trust domain>/<service>. Its methods read a service's name from a certificate.
type TrustDomain string

// DefaultTrustDomain is the trust domain of pathways services.
const DefaultTrustDomain TrustDomain = "pathways.local"

// serviceName is what a service name may be: one SPIFFE path segment, lower case.
var serviceName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// ValidServiceName reports whether name can name a service in an ID: lower-case letters, digits,
// '.', '_' and '-', starting with a letter or digit.
func ValidServiceName(name string) bool { return serviceName.MatchString(name) }

// ID returns the URI that names service in the trust domain, for a certificate's URI SAN.
func (td TrustDomain) ID(service string) *url.URL {
	return &url.URL{Scheme: "spiffe", Host: string(td), Path: "/" + service}
}

// ServiceID returns the service a certificate names: its one spiffe:// URI SAN, when that is in
// the trust domain and its path is one valid service name. A certificate with no such URI, with
// two spiffe:// URIs, or of another trust domain names none. It does not verify the certificate:
// give it a verified one (PeerService and RequestService do).
func (td TrustDomain) ServiceID(cert *x509.Certificate) (string, bool) {
	if cert == nil {
		return "", false
	}
	var id *url.URL
	for _, u := range cert.URIs {
		if u.Scheme != "spiffe" {
			continue
		}
		if id != nil {
			return "", false
		}
		id = u
	}
	if id == nil || id.Host != string(td) || id.User != nil || id.RawQuery != "" || id.Fragment != "" ||
		id.RawPath != "" || len(id.Path) < 2 || !ValidServiceName(id.Path[1:]) {
		return "", false
	}
	return id.Path[1:], true
}

// PeerService returns the service calling a gRPC handler, from the client certificate verified in
// the TLS handshake; false for a plaintext call, a caller without a certificate or one whose
// certificate names no service of the trust domain.
func (td TrustDomain) PeerService(ctx context.Context) (string, bool) {
	p, ok := peer.FromContext(ctx)
	if !ok {
		return "", false
	}
	info, ok := p.AuthInfo.(credentials.TLSInfo)
	if !ok {
		return "", false
	}
	return td.verified(info.State.VerifiedChains)
}

// RequestService returns the service making an HTTP request, as PeerService does for gRPC.
func (td TrustDomain) RequestService(r *http.Request) (string, bool) {
	if r.TLS == nil {
		return "", false
	}
	return td.verified(r.TLS.VerifiedChains)
}

func (td TrustDomain) verified(chains [][]*x509.Certificate) (string, bool) {
	if len(chains) == 0 || len(chains[0]) == 0 {
		return "", false
	}
	return td.ServiceID(chains[0][0])
}

// ServiceID is DefaultTrustDomain.ServiceID.
func ServiceID(cert *x509.Certificate) (string, bool) { return DefaultTrustDomain.ServiceID(cert) }

// PeerService is DefaultTrustDomain.PeerService.
func PeerService(ctx context.Context) (string, bool) { return DefaultTrustDomain.PeerService(ctx) }

// RequestService is DefaultTrustDomain.RequestService.
func RequestService(r *http.Request) (string, bool) { return DefaultTrustDomain.RequestService(r) }
