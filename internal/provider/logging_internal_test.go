package provider

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func TestClientLoggerHidesSecrets(t *testing.T) {
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	l := newClientLogger("hunter2-password")
	l.Debug(ctx, "retrying with hunter2-password", map[string]any{
		"url":           "https://pc:9440/api/nutanix/v3/vms/list",
		"Authorization": "Basic aHVudGVyMg==",
		"body":          `{"password":"hunter2-password"}`,
	})
	l.Warn(ctx, "warned", map[string]any{"attempt": 2})
	logged := out.String()
	for _, secret := range []string{"hunter2-password", "aHVudGVyMg=="} {
		if strings.Contains(logged, secret) {
			t.Errorf("the log holds the secret %q:\n%s", secret, logged)
		}
	}
	for _, want := range []string{"vms/list", "warned", `"attempt":2`} {
		if !strings.Contains(logged, want) {
			t.Errorf("the log lacks %q:\n%s", want, logged)
		}
	}
}

func TestWithMaskedSecretsReachesTheClientLogger(t *testing.T) {
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	ctx = withMaskedSecrets(ctx, "remote-pass-9f3k", "")
	l := newClientLogger("provider-pass")
	l.Debug(ctx, "POST /cloud_trusts with remote-pass-9f3k", map[string]any{
		"body": `{"spec":{"resources":{"url":"192.168.0.10","username":"admin","password":"remote-pass-9f3k"}}}`,
	})
	logged := out.String()
	if strings.Contains(logged, "remote-pass-9f3k") {
		t.Errorf("the log holds the remote password:\n%s", logged)
	}
	if !strings.Contains(logged, "cloud_trusts") || !strings.Contains(logged, "192.168.0.10") {
		t.Errorf("the log lost what is not secret:\n%s", logged)
	}
}
