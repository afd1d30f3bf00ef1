package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/oauth2"

	"github.com/nhs-pathways/pathways/services/platform/secretfile"
)

// Credentials are what pathwayctl login keeps: the provider that issued the tokens, the OAuth
// client they were issued to (needed to refresh them) and the tokens. The file holding them is
// the user's alone (0600, in a 0700 directory).
type Credentials struct {
	Issuer       string    `json:"issuer"`
	ClientID     string    `json:"client_id"`
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
	TokenType    string    `json:"token_type,omitempty"`
}

// CredentialsFile is the file's name in the configuration directory.
const CredentialsFile = "credentials.json"

// errNotSignedIn: no stored credentials.
var errNotSignedIn = errors.New("not signed in: run pathwayctl login")

// token is the stored token as oauth2 keeps it.
func (cr Credentials) token() *oauth2.Token {
	return &oauth2.Token{AccessToken: cr.AccessToken, RefreshToken: cr.RefreshToken, Expiry: cr.Expiry, TokenType: cr.TokenType}
}

// withToken returns the credentials holding t.
func (cr Credentials) withToken(t *oauth2.Token) Credentials {
	cr.AccessToken, cr.RefreshToken, cr.Expiry, cr.TokenType = t.AccessToken, t.RefreshToken, t.Expiry, t.Type()
	return cr
}

// configDir is PATHWAYS_CONFIG_DIR, else the pathways directory of the user's configuration
// directory (os.UserConfigDir: $XDG_CONFIG_HOME or ~/.config on Linux, ~/Library/Application
// Support on macOS, %AppData% on Windows).
func configDir(getenv func(string) string) (string, error) {
	if d := getenv("PATHWAYS_CONFIG_DIR"); d != "" {
		return d, nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find your configuration directory (set PATHWAYS_CONFIG_DIR): %w", err)
	}
	return filepath.Join(d, "pathways"), nil
}

// loadCredentials reads the credentials file; errNotSignedIn when there is none.
func loadCredentials(path string) (Credentials, error) {
	b, err := os.ReadFile(path) //nolint:gosec // G304: the path is the user's own configuration file
	if errors.Is(err, fs.ErrNotExist) {
		return Credentials{}, errNotSignedIn
	}
	if err != nil {
		return Credentials{}, fmt.Errorf("read your credentials: %w", err)
	}
	var cr Credentials
	if err := json.Unmarshal(b, &cr); err != nil || cr.AccessToken == "" {
		return Credentials{}, fmt.Errorf("%s is not a pathwayctl credentials file (run pathwayctl login to replace it)", path)
	}
	return cr, nil
}

// SaveCredentials writes cr to the credentials file in dir (what PATHWAYS_CONFIG_DIR names), as
// pathwayctl login does: for tests and scripts that hold a token already.
func SaveCredentials(dir string, cr Credentials) error {
	return saveCredentials(filepath.Join(dir, CredentialsFile), cr)
}

// saveCredentials writes the credentials atomically: a new file (0600) in the same directory
// (made 0700 if missing), renamed over the old one, so a reader never sees half a file and the
// tokens are never readable by others, even for a moment.
func saveCredentials(path string, cr Credentials) error {
	b, err := json.MarshalIndent(cr, "", "  ") //nolint:gosec // G117: keeping the tokens is this file's purpose; it is written 0600
	if err != nil {
		return fmt.Errorf("encode credentials: %w", err)
	}
	if err := secretfile.Write(path, append(b, '\n')); err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	return nil
}

// removeCredentials deletes the credentials file; false when there was none.
func removeCredentials(path string) (bool, error) {
	err := os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("remove your credentials: %w", err)
	}
	return true, nil
}
