package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/client"
)

// clientLogger routes the client's log lines to tflog (TF_LOG / TF_LOG_PROVIDER). It never lets
// a secret through: fields whose key names a credential are dropped, and the configured
// password is masked wherever it would appear.
type clientLogger struct {
	secrets []string
}

var _ client.Logger = (*clientLogger)(nil)

// newClientLogger returns a logger that masks the given secrets (empty ones are ignored).
func newClientLogger(secrets ...string) *clientLogger {
	l := &clientLogger{}
	for _, s := range secrets {
		if s != "" {
			l.secrets = append(l.secrets, s)
		}
	}
	return l
}

// Debug logs at debug level.
func (l *clientLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	ctx = l.mask(ctx)
	tflog.Debug(ctx, msg, redactFields(fields))
}

// Warn logs at warn level.
func (l *clientLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	ctx = l.mask(ctx)
	tflog.Warn(ctx, msg, redactFields(fields))
}

// mask sets up tflog to replace the secrets in messages and field values.
func (l *clientLogger) mask(ctx context.Context) context.Context {
	ctx = tflog.SetField(ctx, "component", "prism-client")
	if len(l.secrets) == 0 {
		return ctx
	}
	ctx = tflog.MaskMessageStrings(ctx, l.secrets...)
	return tflog.MaskAllFieldValuesStrings(ctx, l.secrets...)
}

// sensitiveKeyParts are substrings of field keys whose values are never logged.
var sensitiveKeyParts = []string{"password", "authorization", "secret", "token", "cookie", "credential"}

// redactFields returns a copy of fields without values of keys that name a credential.
func redactFields(fields map[string]any) map[string]any {
	out := make(map[string]any, len(fields))
	for k, v := range fields {
		lk := strings.ToLower(k)
		redacted := false
		for _, part := range sensitiveKeyParts {
			if strings.Contains(lk, part) {
				redacted = true
				break
			}
		}
		if redacted {
			out[k] = "***"
			continue
		}
		out[k] = v
	}
	return out
}

// withMaskedSecrets returns ctx with the given secrets (empty ones are ignored) masked in every
// log line written through it, the client's included: for secrets an operation handles that the
// provider block does not hold, such as the password of a remote Prism Central.
func withMaskedSecrets(ctx context.Context, secrets ...string) context.Context {
	var mask []string
	for _, s := range secrets {
		if s != "" {
			mask = append(mask, s)
		}
	}
	if len(mask) == 0 {
		return ctx
	}
	ctx = tflog.MaskMessageStrings(ctx, mask...)
	return tflog.MaskAllFieldValuesStrings(ctx, mask...)
}
