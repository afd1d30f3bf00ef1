package devoidc

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"
)

// deviceEntry is a device authorization (RFC 8628) from /device_authorization until its
// token is issued.
type deviceEntry struct {
	deviceCode string
	userCode   string
	state      *op.DeviceAuthorizationState
}

// StoreDeviceAuthorization keeps a new device authorization; its tokens are for the audience
// and the client.
func (s *storage) StoreDeviceAuthorization(_ context.Context, clientID, deviceCode, userCode string, expires time.Time, scopes []string) error {
	if _, ok := s.clients[clientID]; !ok {
		return errors.New(errUnknownClientText)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireLocked(s.now())
	if _, ok := s.users[userCode]; ok {
		return op.ErrDuplicateUserCode
	}
	s.devices[deviceCode] = &deviceEntry{deviceCode: deviceCode, userCode: userCode, state: &op.DeviceAuthorizationState{
		ClientID: clientID, Audience: []string{s.audience}, Scopes: scopes, Expires: expires}}
	s.users[userCode] = deviceCode
	return nil
}

// GetDeviceAuthorizatonState answers the device's polls. Once the person has signed in it
// returns the completed state once and forgets the device code: a device code is used once.
func (s *storage) GetDeviceAuthorizatonState(ctx context.Context, clientID, deviceCode string) (*op.DeviceAuthorizationState, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.devices[deviceCode]
	if !ok || d.state.ClientID != clientID {
		return nil, errors.New("unknown, used or expired device code")
	}
	state := *d.state
	if state.Done || state.Denied {
		delete(s.devices, deviceCode)
		delete(s.users, d.userCode)
	}
	return &state, nil
}

// normalUserCode makes what a person typed comparable to an issued user code: upper case,
// without spaces, with the dash after four characters.
func normalUserCode(typed string) string {
	c := strings.ToUpper(strings.Join(strings.Fields(typed), ""))
	if len(c) == 8 && !strings.Contains(c, "-") {
		c = c[:4] + "-" + c[4:]
	}
	return c
}

// completeDevice records that the person signed in for the user code (the device sign-in page);
// it returns the client ID the device authorization was for.
func (s *storage) completeDevice(userCode string, p Person) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.devices[s.users[normalUserCode(userCode)]]
	if !ok || s.now().After(d.state.Expires) {
		return "", errors.New("unknown or expired code: start again from your device")
	}
	if d.state.Done || d.state.Denied {
		return "", errors.New("this code has been used: start again from your device")
	}
	d.state.Subject, d.state.AuthTime, d.state.AMR, d.state.Done = p.Subject, s.now(), []string{"pwd"}, true
	return d.state.ClientID, nil
}
