package secure_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/identity"
	"github.com/nhs-pathways/pathways/services/platform/identity/identitytest"
	"github.com/nhs-pathways/pathways/services/platform/secure"
)

func TestSecureByDefault(t *testing.T) {
	err := secure.Config{}.Validate("0.0.0.0:9102")
	require.Error(t, err)
	for _, flag := range []string{"oidc-issuer", "oidc-audience", "-insecure", "0.0.0.0:9102"} {
		require.ErrorContains(t, err, flag)
	}
	require.NoError(t, secure.Insecure().Validate("127.0.0.1:9102"), "a development server on loopback")
}

func TestInsecureEnforcesNoTable(t *testing.T) {
	i, err := secure.Insecure().Interceptor(nil)
	require.NoError(t, err)
	require.Nil(t, i.Verifier)
	cfg := secure.Config{OIDC: identitytest.New(t).Config()}
	cfg.TLS.Insecure = true // tokens verified over plaintext on loopback still apply the table
	i, err = cfg.Interceptor(identity.Policy{})
	require.NoError(t, err)
	require.NotNil(t, i.Verifier)
	require.NotNil(t, i.Policy)
}
