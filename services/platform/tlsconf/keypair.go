package tlsconf

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"os"
	"sync"
)

// keyPair is a certificate and its key read from two files, read again when either file changes.
// Safe for concurrent use.
type keyPair struct {
	certFile, keyFile string

	mu                sync.Mutex
	cert              *tls.Certificate
	certSeen, keySeen os.FileInfo // the files as they were when cert was read
	badCert, badKey   os.FileInfo // the files as they were when they last failed to load
}

// loadKeyPair reads the pair once, reporting a failure as a problem with the flags.
func loadKeyPair(certFile, keyFile string) (*keyPair, error) {
	kp := &keyPair{certFile: certFile, keyFile: keyFile}
	ci, ki, err := kp.stat()
	if err == nil {
		err = kp.load(ci, ki)
	}
	if err != nil {
		return nil, fmt.Errorf("tls-cert %q, tls-key %q: %w", certFile, keyFile, err)
	}
	return kp, nil
}

// current returns the pair, reloaded first when a file changed since it was read. A change that
// does not load (a file missing or half written during a rotation, a key that does not match)
// keeps the previous pair, logged once per change.
func (kp *keyPair) current() *tls.Certificate {
	kp.mu.Lock()
	defer kp.mu.Unlock()
	ci, ki, err := kp.stat()
	if err != nil || (same(ci, kp.certSeen) && same(ki, kp.keySeen)) {
		return kp.cert
	}
	if same(ci, kp.badCert) && same(ki, kp.badKey) {
		return kp.cert
	}
	if err := kp.load(ci, ki); err != nil {
		kp.badCert, kp.badKey = ci, ki
		slog.Warn("tlsconf: the certificate on disk changed but does not load; still using the previous one",
			"cert", kp.certFile, "key", kp.keyFile, "err", err)
	}
	return kp.cert
}

func (kp *keyPair) stat() (cert, key os.FileInfo, err error) {
	if cert, err = os.Stat(kp.certFile); err != nil {
		return nil, nil, err
	}
	if key, err = os.Stat(kp.keyFile); err != nil {
		return nil, nil, err
	}
	return cert, key, nil
}

func (kp *keyPair) load(ci, ki os.FileInfo) error {
	cert, err := tls.LoadX509KeyPair(kp.certFile, kp.keyFile)
	if err != nil {
		return err
	}
	kp.cert, kp.certSeen, kp.keySeen = &cert, ci, ki
	return nil
}

// same reports whether a and b describe the same file unchanged: the same file (a rename over it
// makes another), the same modification time and size.
func same(a, b os.FileInfo) bool {
	return a != nil && b != nil && os.SameFile(a, b) && a.ModTime().Equal(b.ModTime()) && a.Size() == b.Size()
}

// loadPool reads a PEM bundle of CA certificates; flag names the setting in errors.
func loadPool(flag, file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file) //nolint:gosec // G304: the path is the operator's configuration
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s: %q holds no PEM certificate", flag, file)
	}
	return pool, nil
}
