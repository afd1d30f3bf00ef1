package payloadcrypt_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/payloadcrypt"
)

func TestOriginsFlagAndCheck(t *testing.T) {
	var o payloadcrypt.Origins
	require.NoError(t, o.Set(" https://127.0.0.1:8233/ , http://localhost:8233,"))
	require.Equal(t, payloadcrypt.Origins{"https://127.0.0.1:8233", "http://localhost:8233"}, o)
	require.NoError(t, payloadcrypt.CheckOrigins("codec-cors-origins", o))

	err := payloadcrypt.CheckOrigins("codec-cors-origins", []string{"127.0.0.1:8233", "https://ui.example/app", "ftp://ui.example"})
	for _, bad := range []string{`"127.0.0.1:8233"`, `"https://ui.example/app"`, `"ftp://ui.example"`} {
		require.ErrorContains(t, err, "codec-cors-origins: "+bad+" must be an origin")
	}
}
