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
