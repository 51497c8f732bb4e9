package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Which wire a kind speaks on this client's Prism Central. Under api_version = "v4" a kind the
// client serves over v4 is v4; under "auto" it is v4 only once the Prism Central is found to
// serve the kind's namespace at the version this client speaks, which the client asks the way
// Nutanix's SDKs do (internal/apispec/v4/README.md, "Detecting what a Prism Central serves"):
// OPTIONS /api/<namespace>/unversioned/info answers the highest revision the Prism Central
// serves. The answer is asked once per namespace and Prism Central in a provider process,
// and logged.

// v4Probes holds the answers of the probes, per Prism Central and namespace, for the life of
// the process: a provider process configures several clients (one per configure call) and
// asks each question once.
var v4Probes sync.Map // endpoint + " " + namespace name -> *v4Probe

// v4Probe is the answer of one probe.
type v4Probe struct {
	once   sync.Once
	served bool
	// highest is the revision the Prism Central answered ("" when it did not answer one).
	highest string
	why     string
}

// wire returns the wire kind speaks on this client: WireV4 when the kind is v4 by
// configuration, or under "auto" when the Prism Central serves the kind's namespace.
func (c *Client) wire(ctx context.Context, kind DRKind) string {
	for _, p := range c.protocols {
		if p.Kind != kind {
			continue
		}
		if p.Wire == WireV4 {
			return WireV4
		}
		if p.probe.Name != "" && c.v4Served(ctx, p.probe) {
			return WireV4
		}
		return WireV3
	}
	return WireV3
}

// Wire returns the wire kind speaks on this client's Prism Central (WireV3 or WireV4), asking
// the Prism Central under "auto" as the client's own operations do. Tests use it to follow
// the wire in use (which routes a test expects, where a fault lands).
func (c *Client) Wire(ctx context.Context, kind DRKind) string { return c.wire(ctx, kind) }

// v4Served reports whether the Prism Central serves namespace ns at the version this client
// speaks, asking it once per process.
func (c *Client) v4Served(ctx context.Context, ns v4Namespace) bool {
	v, _ := v4Probes.LoadOrStore(c.endpoint+" "+ns.Name, &v4Probe{})
	p, ok := v.(*v4Probe)
	if !ok {
		return false
	}
	p.once.Do(func() {
		p.highest, p.served, p.why = c.probeV4(ctx, ns)
		c.log.Debug(ctx, "Prism Central v4 namespace probe", map[string]any{
			"endpoint":  c.endpoint,
			"namespace": ns.Name,
			"speaks":    ns.Version,
			"serves":    p.highest,
			"wire":      map[bool]string{true: WireV4, false: WireV3}[p.served],
			"reason":    p.why,
		})
	})
	return p.served
}

// probeV4 sends OPTIONS /api/<namespace>/unversioned/info. Any failure (a 404, a foreign
// answer, a transport error) means v3: v3 serves every kind that has a v3 API.
func (c *Client) probeV4(ctx context.Context, ns v4Namespace) (highest string, served bool, why string) {
	var version string
	_, err := c.sendV4(ctx, v4Call{
		op:     "asking which " + ns.Name + " v4 version Prism Central serves",
		method: http.MethodOptions,
		path:   "/api/" + ns.Name + "/unversioned/info",
		out:    &version,
	})
	switch {
	case errors.Is(err, ErrNotFound) || errors.Is(err, ErrV4NotServed):
		return "", false, "Prism Central does not serve the " + ns.Name + " v4 API"
	case err != nil:
		return "", false, "the probe failed, so v3: " + err.Error()
	}
	if !v4AtLeast(version, ns.Version) {
		return version, false, fmt.Sprintf("Prism Central serves %s %q, older than the %s this provider speaks", ns.Name, version, ns.Version)
	}
	return version, true, fmt.Sprintf("Prism Central serves %s %s", ns.Name, version)
}

// v4AtLeast reports whether the released version have ("v4.3") is at least want ("v4.2").
// Early-access versions (a suffix such as ".b1") never are: they may change without notice.
func v4AtLeast(have, want string) bool {
	hf, hr, ok1 := v4FamilyRevision(have)
	wf, wr, ok2 := v4FamilyRevision(want)
	if !ok1 || !ok2 {
		return false
	}
	return hf > wf || (hf == wf && hr >= wr)
}

// v4FamilyRevision parses "v<family>.<revision>"; ok is false for anything else, an
// early-access suffix included.
func v4FamilyRevision(v string) (family, revision int, ok bool) {
	parts := strings.Split(strings.TrimPrefix(v, "v"), ".")
	if len(parts) != 2 || !strings.HasPrefix(v, "v") {
		return 0, 0, false
	}
	f, err1 := strconv.Atoi(parts[0])
	r, err2 := strconv.Atoi(parts[1])
	return f, r, err1 == nil && err2 == nil
}

// auto reports whether the client chose kind's wire under api_version = "auto".
func (c *Client) auto(kind DRKind) bool {
	for _, p := range c.protocols {
		if p.Kind == kind {
			return p.probe.Name != ""
		}
	}
	return false
}

// v4OrV3 is the flow of a kind under "auto" on a Prism Central that serves it over v4: v4,
// and v3 for an operation whose entity v4 cannot say or show in this client (errNoV4Form),
// which is refused before anything is sent. A configuration that works over v3 so keeps
// working when the Prism Central is upgraded.
type v4OrV3[T, W any] struct {
	v4, v3 kindFlow[T, W]
	kind   DRKind
}

// fellBack logs the fallback of an operation that v4 cannot do.
func (f *v4OrV3[T, W]) fellBack(ctx context.Context, c *Client, op string, err error) bool {
	if !errors.Is(err, errNoV4Form) {
		return false
	}
	c.log.Debug(ctx, "speaking v3 for an operation the v4 API cannot express in this client", map[string]any{
		"operation": op, "kind": string(f.kind), "reason": err.Error()})
	return true
}

func (f *v4OrV3[T, W]) get(ctx context.Context, c *Client, op, id string) (*T, error) {
	t, err := f.v4.get(ctx, c, op, id)
	if f.fellBack(ctx, c, op, err) {
		return f.v3.get(ctx, c, op, id)
	}
	return t, err
}

func (f *v4OrV3[T, W]) list(ctx context.Context, c *Client, op, filter string, worth func(pages int) bool) ([]T, error) {
	t, err := f.v4.list(ctx, c, op, filter, worth)
	if f.fellBack(ctx, c, op, err) {
		return f.v3.list(ctx, c, op, filter, worth)
	}
	return t, err
}

func (f *v4OrV3[T, W]) create(ctx context.Context, c *Client, op string, v *W, id string, accepted func(id string) *T) (*T, error) {
	t, err := f.v4.create(ctx, c, op, v, id, accepted)
	if t == nil && f.fellBack(ctx, c, op, err) {
		return f.v3.create(ctx, c, op, v, id, accepted)
	}
	return t, err
}

func (f *v4OrV3[T, W]) update(ctx context.Context, c *Client, op, id string, v *W) (*T, error) {
	t, err := f.v4.update(ctx, c, op, id, v)
	if f.fellBack(ctx, c, op, err) {
		return f.v3.update(ctx, c, op, id, v)
	}
	return t, err
}

func (f *v4OrV3[T, W]) remove(ctx context.Context, c *Client, op, id string) error {
	return f.v4.remove(ctx, c, op, id)
}
