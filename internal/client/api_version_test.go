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
					p.Kind == KindSubnets || p.Kind == KindVPCs || p.Kind == KindRouteTables || p.Kind == KindVMs
				if (p.probe.Name != "") != (probed && choice != APIVersionV3) {
					t.Errorf("%s: probe %q under %q", p.Kind, p.probe, choice)
				}
				if p.Wire != want || p.Reason == "" {
					t.Errorf("%s: %s, want %s with a reason", p.Kind, p, want)
				}
			}
		})
	}

	_, err := ResolveProtocols(APIVersionV4)
	if err == nil {
		t.Fatal(`"v4": no error while no kind with a v3 API is served over v4`)
	}
	mustContain(t, err.Error(), `api_version = "v4"`, `"auto"`, `"v3"`)
	for _, served := range []DRKind{KindMSTStores, KindCategories, KindProtectionPolicies, KindRecoveryPlans, KindFailovers,
		KindAvailabilityZones, KindClusters, KindRecoveryPoints, KindSubnets, KindVPCs, KindRouteTables, KindVMs} {
		if strings.Contains(err.Error(), string(served)+",") || strings.HasSuffix(err.Error(), string(served)) {
			t.Errorf("%s are served over v4 and must not be listed: %v", served, err)
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
	if _, err := New(Config{Endpoint: "127.0.0.1", Username: "u", Password: "p", APIVersion: APIVersionV4}); err == nil {
		t.Error(`New with api_version "v4": no error`)
	}
}
