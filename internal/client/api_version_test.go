package client

import (
	"strings"
	"testing"
)

func TestResolveProtocols(t *testing.T) {
	for _, choice := range []string{"", APIVersionAuto, APIVersionV3} {
		t.Run("choice "+choice, func(t *testing.T) {
			ps, err := ResolveProtocols(choice)
			if err != nil {
				t.Fatalf("ResolveProtocols(%q): %v", choice, err)
			}
			if len(ps) != len(kindWires) {
				t.Fatalf("%d kinds, want %d", len(ps), len(kindWires))
			}
			for _, p := range ps {
				want := WireV3
				if p.Kind == KindMSTStores {
					want = WireV4 // no v3 API
				}
				probed := p.Kind == KindCategories || p.Kind == KindProtectionPolicies || p.Kind == KindRecoveryPlans || p.Kind == KindFailovers
				probed = probed || p.Kind == KindAvailabilityZones || p.Kind == KindClusters || p.Kind == KindRecoveryPoints ||
					p.Kind == KindSubnets || p.Kind == KindVPCs || p.Kind == KindRouteTables ||
					p.Kind == KindDisasterRecovery || p.Kind == KindVMs
				if (p.probe.Name != "") != (probed && choice != APIVersionV3) {
					t.Errorf("%s: probe %q under %q", p.Kind, p.probe, choice)
				}
				if p.Wire != want || p.Reason == "" {
					t.Errorf("%s: %s, want %s with a reason", p.Kind, p, want)
				}
			}
		})
	}

	// "v4": every kind over v4, none probed (the client speaks every kind over v4).
	ps, err := ResolveProtocols(APIVersionV4)
	if err != nil {
		t.Fatalf(`"v4": %v`, err)
	}
	for _, p := range ps {
		if p.Wire != WireV4 || p.probe.Name != "" || p.Reason == "" {
			t.Errorf(`"v4": %s: %s (probe %q), want v4 with a reason and no probe`, p.Kind, p, p.probe)
		}
	}

	_, err = ResolveProtocols("v5")
	if err == nil || !strings.Contains(err.Error(), `"v5"`) || !strings.Contains(err.Error(), `"auto", "v3" or "v4"`) {
		t.Errorf(`"v5": err = %v`, err)
	}
}

func TestClientCarriesItsProtocols(t *testing.T) {
	c, err := New(Config{Endpoint: "127.0.0.1", Username: "u", Password: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Protocol(KindRecoveryPlans) != WireV3 || c.Protocol(KindMSTStores) != WireV4 || c.Protocol("unknown") != WireV3 {
		t.Errorf("protocols = %v", c.Protocols())
	}
	c4, err := New(Config{Endpoint: "127.0.0.1", Username: "u", Password: "p", APIVersion: APIVersionV4})
	if err != nil || c4.Protocol(KindRecoveryPlans) != WireV4 || c4.Protocol(KindVMs) != WireV4 {
		t.Errorf(`New with api_version "v4": %v, protocols %v`, err, c4.Protocols())
	}
}
