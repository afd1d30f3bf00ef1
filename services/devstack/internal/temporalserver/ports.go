package temporalserver

import (
	"fmt"
	"net"
	"strconv"
)

// freePort asks the kernel for a free TCP port on ip. The port is released before it is
// returned, so another process could take it first; the server then fails to bind and says so.
func freePort(ip string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return 0, fmt.Errorf("find a free port on %s: %w", ip, err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// portOrFree returns port, or a free port when it is 0.
func portOrFree(ip string, port int) (int, error) {
	if port != 0 {
		return port, nil
	}
	return freePort(ip)
}

// checkFree fails when host:port cannot be bound now.
func checkFree(ip string, port int) error {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("port %d on %s is not free: %w", port, ip, err)
	}
	return l.Close()
}
