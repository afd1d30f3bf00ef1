package tlsconf

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// ErrPlaintextBind is what CheckBind's refusal wraps.
var ErrPlaintextBind = errors.New("refusing to serve plaintext off loopback")

// CheckBind refuses a listen address that is not loopback when TLS is off and the operator did not
// pass -insecure: a wildcard (":8080", "0.0.0.0:8080", "[::]:8080"), any other IP address, or a
// host name other than localhost (it may resolve to anything). Loopback ("127.0.0.1:8080",
// "[::1]:8080", "localhost:8080") is always allowed, as is an empty address (no listener). The
// error names the address and the flags that would allow it.
func CheckBind(addr string, tlsEnabled, insecure bool) error {
	if addr == "" || tlsEnabled || insecure || loopback(addr) {
		return nil
	}
	return fmt.Errorf("listen address %q: %w: it is not a loopback address and TLS is off; "+
		"pass -tls-cert and -tls-key (with -tls-client-ca for mutual TLS), or -insecure to serve plaintext anyway",
		addr, ErrPlaintextBind)
}

func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
