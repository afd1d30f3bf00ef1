package prodshape

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
)

// Proxy forwards TCP connections from a loopback port to a target. Cut makes the target
// unreachable as a network partition would: nothing is refused or reset, bytes simply stop
// arriving (open connections and new ones alike); Restore closes every connection held during
// the cut, so clients reconnect, and forwards again. Safe for concurrent use.
type Proxy struct {
	target string
	lis    net.Listener

	mu    sync.Mutex
	cut   bool
	conns map[net.Conn]struct{}
}

// NewProxy listens on a free loopback port and forwards to target.
func NewProxy(ctx context.Context, target string) (*Proxy, error) {
	var lc net.ListenConfig
	lis, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("proxy listen: %w", err)
	}
	p := &Proxy{target: target, lis: lis, conns: map[net.Conn]struct{}{}}
	go p.serve() //nolint:contextcheck // the proxy outlives the call that made it; Close stops it
	return p, nil
}

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.lis.Addr().String() }

// Cut stops every byte between clients and the target until Restore.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
}

// Restore closes the connections open during the cut and forwards again.
func (p *Proxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = false
	for c := range p.conns {
		_ = c.Close()
	}
}

// Close stops listening and closes every connection.
func (p *Proxy) Close() error {
	err := p.lis.Close()
	p.Restore()
	return err
}

func (p *Proxy) passing() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return !p.cut
}

func (p *Proxy) serve() {
	for {
		c, err := p.lis.Accept()
		if err != nil {
			return
		}
		go p.handle(c)
	}
}

func (p *Proxy) track(conns ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range conns {
		p.conns[c] = struct{}{}
	}
}

func (p *Proxy) forget(conns ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range conns {
		delete(p.conns, c)
		_ = c.Close()
	}
}

// handle holds a connection accepted during a cut silently; otherwise it pipes it to the
// target, dropping the bytes that arrive while cut (the connection is closed at Restore).
func (p *Proxy) handle(client net.Conn) {
	p.track(client)
	if !p.passing() {
		_, _ = io.Copy(io.Discard, client) // until Restore closes it
		p.forget(client)
		return
	}
	var d net.Dialer
	upstream, err := d.DialContext(context.Background(), "tcp", p.target)
	if err != nil {
		p.forget(client)
		return
	}
	p.track(upstream)
	var wg sync.WaitGroup
	wg.Go(func() { p.pipe(upstream, client) })
	wg.Go(func() { p.pipe(client, upstream) })
	wg.Wait()
	p.forget(client, upstream)
}

func (p *Proxy) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && p.passing() {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				break
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				_ = dst.Close()
			}
			break
		}
	}
	_ = dst.Close()
}
